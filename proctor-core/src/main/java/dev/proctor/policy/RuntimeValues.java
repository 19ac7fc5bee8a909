package dev.proctor.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.common.values.StructValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.Optional;
import java.util.RandomAccess;
import java.util.Set;

/**
 * Request values in the form CEL's runtime takes without converting them: immutable maps and lists
 * that are also CEL runtime values, built once per request.
 *
 * <p>Why. CEL's planner runtime adapts every value it reads from a variable, field or function
 * result ({@code CelValueConverter}): a plain Java map or list is walked in full, every element
 * type-checked against several interfaces, on <em>every</em> access — {@code arguments.amount}
 * walks all of {@code arguments}, {@code allowlist.recipients} the whole allowlist, each time a
 * condition reads them. The type checks are what JDK-8180450 makes slow before JDK 23. A value that
 * is already a CEL runtime value is passed through untouched, and {@link StructValue} is the
 * runtime value CEL documents for extension ("a custom struct … wrapping a native Java object (e.g.
 * a POJO or a Map)"). So a map here is a struct whose native value is itself, and it is also a
 * {@link Map}, which is what CEL's map functions ({@code in}, {@code size}), comprehensions and
 * equality read; a list likewise is a {@link List}. Leaves are CEL's own runtime types: {@code
 * String}, {@code Long}, {@code Double}, {@code Boolean}, {@link NullValue}.
 *
 * <p>Selecting a field that is not there fails as CEL's own maps do, and so does selecting a field
 * of a list. {@code RuntimeValuesTest} checks, on random requests and JSON arguments, that every
 * condition gives the same result on these values as on plain Java maps and lists.
 */
final class RuntimeValues {

  private static final CelType MAP_TYPE = MapType.create(SimpleType.DYN, SimpleType.DYN);
  private static final CelType LIST_TYPE = ListType.create(SimpleType.DYN);

  /** The empty list. */
  static final ListValue EMPTY_LIST = new ListValue(List.of());

  /** The empty map. */
  private static final MapValue EMPTY_MAP = new MapValue(new LinkedHashMap<>());

  private RuntimeValues() {}

  /** JSON as runtime values: maps, lists, strings, int64 or double, bool, null. */
  static Object of(JsonNode node) {
    switch (node.getNodeType()) {
      case OBJECT -> {
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
          m.put(e.getKey(), of(e.getValue()));
        }
        return new MapValue(m);
      }
      case ARRAY -> {
        List<Object> l = new ArrayList<>(node.size());
        for (JsonNode item : node) {
          l.add(of(item));
        }
        return new ListValue(l);
      }
      case STRING -> {
        return node.textValue();
      }
      case NUMBER -> {
        if (node.isIntegralNumber() && node.canConvertToLong()) {
          return node.longValue();
        }
        return node.doubleValue();
      }
      case BOOLEAN -> {
        return node.booleanValue();
      }
      default -> {
        return NullValue.NULL_VALUE;
      }
    }
  }

  /** A map of strings, lists or maps (nested values converted too), in its iteration order. */
  static MapValue map(Map<String, ?> entries) {
    LinkedHashMap<String, Object> m = new LinkedHashMap<>();
    entries.forEach((k, v) -> m.put(k, convert(v)));
    return new MapValue(m);
  }

  /**
   * A request's context: the map itself when every value is already a runtime leaf (a string,
   * int64, double or bool), which saves the copy {@link #map} makes; else converted like any map.
   * The context of an {@code ActionRequest} is an unmodifiable map its request owns and never
   * changes.
   */
  static MapValue context(Map<String, Object> context) {
    if (context.isEmpty()) {
      return EMPTY_MAP;
    }
    for (Object v : context.values()) {
      if (!(v instanceof String
          || v instanceof Long
          || v instanceof Double
          || v instanceof Boolean)) {
        return map(context);
      }
    }
    return new MapValue(context);
  }

  /**
   * A map made for the value alone: its values converted in place and the map itself kept, which
   * saves {@link #map}'s copy. The caller must not use {@code entries} afterwards.
   */
  static MapValue own(LinkedHashMap<String, Object> entries) {
    entries.replaceAll((k, v) -> convert(v));
    return new MapValue(entries);
  }

  /**
   * A map of strings, which needs no conversion; copied, in its iteration order, into the one map
   * class every {@link MapValue} holds, so that look-ups stay monomorphic.
   */
  static MapValue strings(Map<String, String> entries) {
    return new MapValue(new LinkedHashMap<>(entries));
  }

  /** A list of strings, lists or maps (nested values converted too). */
  static ListValue list(Collection<?> items) {
    if (items.isEmpty()) {
      return EMPTY_LIST;
    }
    List<Object> l = new ArrayList<>(items.size());
    for (Object item : items) {
      l.add(convert(item));
    }
    return new ListValue(l);
  }

  private static Object convert(Object v) {
    if (v instanceof MapValue || v instanceof ListValue) {
      return v;
    }
    if (v instanceof Map<?, ?> m) {
      LinkedHashMap<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put((String) k, convert(x)));
      return new MapValue(out);
    }
    if (v instanceof Collection<?> c) {
      return list(c);
    }
    if (v instanceof Integer i) {
      return i.longValue();
    }
    return v;
  }

  /** A string-keyed map that CEL reads as it is. */
  static final class MapValue extends StructValue<String, MapValue> implements Map<String, Object> {
    /**
     * Never changed: a fresh {@link LinkedHashMap} this value owns, or (from {@link #context}) a
     * request's unmodifiable context, so look-ups see at most two map classes.
     */
    private final Map<String, Object> entries;

    private MapValue(Map<String, Object> entries) {
      this.entries = entries;
    }

    @Override
    public MapValue value() {
      return this;
    }

    @Override
    public boolean isZeroValue() {
      return entries.isEmpty();
    }

    @Override
    public CelType celType() {
      return MAP_TYPE;
    }

    @Override
    public Object select(String field) {
      Object v = entries.get(field);
      if (v == null) {
        throw new IllegalArgumentException("key '" + field + "' is not present in map.");
      }
      return v;
    }

    @Override
    public Optional<Object> find(String field) {
      return Optional.ofNullable(entries.get(field));
    }

    @Override
    public int size() {
      return entries.size();
    }

    @Override
    public boolean isEmpty() {
      return entries.isEmpty();
    }

    @Override
    public boolean containsKey(Object key) {
      return entries.containsKey(key);
    }

    @Override
    public boolean containsValue(Object value) {
      return entries.containsValue(value);
    }

    @Override
    public Object get(Object key) {
      return entries.get(key);
    }

    @Override
    public Object put(String key, Object value) {
      throw new UnsupportedOperationException("immutable");
    }

    @Override
    public Object remove(Object key) {
      throw new UnsupportedOperationException("immutable");
    }

    @Override
    public void putAll(Map<? extends String, ? extends Object> m) {
      throw new UnsupportedOperationException("immutable");
    }

    @Override
    public void clear() {
      throw new UnsupportedOperationException("immutable");
    }

    @Override
    public Set<String> keySet() {
      return Collections.unmodifiableSet(entries.keySet());
    }

    @Override
    public Collection<Object> values() {
      return Collections.unmodifiableCollection(entries.values());
    }

    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
      return Collections.unmodifiableMap(entries).entrySet();
    }

    // The Map contract: equal to any map with the same entries.
    @Override
    public boolean equals(Object o) {
      return o == this || entries.equals(o);
    }

    @Override
    public int hashCode() {
      return entries.hashCode();
    }

    @Override
    public String toString() {
      return entries.toString();
    }
  }

  /** A list that CEL reads as it is; selecting a field of it fails, as on CEL's own lists. */
  static final class ListValue extends StructValue<String, ListValue>
      implements List<Object>, RandomAccess {
    private final List<Object> items;

    private ListValue(List<Object> items) {
      this.items = Collections.unmodifiableList(items);
    }

    @Override
    public ListValue value() {
      return this;
    }

    @Override
    public boolean isZeroValue() {
      return items.isEmpty();
    }

    @Override
    public CelType celType() {
      return LIST_TYPE;
    }

    @Override
    public Object select(String field) {
      throw new IllegalArgumentException(
          "Error resolving field '"
              + field
              + "'. Field selections must be performed on messages or maps.");
    }

    @Override
    public Optional<Object> find(String field) {
      return Optional.of(select(field));
    }

    @Override
    public int size() {
      return items.size();
    }

    @Override
    public boolean isEmpty() {
      return items.isEmpty();
    }

    @Override
    public boolean contains(Object o) {
      return items.contains(o);
    }

    @Override
    public Iterator<Object> iterator() {
      return items.iterator();
    }

    @Override
    public Object[] toArray() {
      return items.toArray();
    }

    @Override
    public <T> T[] toArray(T[] a) {
      return items.toArray(a);
    }

    @Override
    public boolean add(Object e) {
      throw new UnsupportedOperationException("immutable");
    }

    @Override
    public boolean remove(Object o) {
      throw new UnsupportedOperationException("immutable");
    }

    @Override
    public boolean containsAll(Collection<?> c) {
      return items.containsAll(c);
    }

    @Override
    public boolean addAll(Collection<? extends Object> c) {
      throw new UnsupportedOperationException("immutable");
    }

    @Override
    public boolean addAll(int index, Collection<? extends Object> c) {
      throw new UnsupportedOperationException("immutable");
    }

    @Override
    public boolean removeAll(Collection<?> c) {
      throw new UnsupportedOperationException("immutable");
    }

    @Override
    public boolean retainAll(Collection<?> c) {
      throw new UnsupportedOperationException("immutable");
    }

    @Override
    public void clear() {
      throw new UnsupportedOperationException("immutable");
    }

    @Override
    public Object get(int index) {
      return items.get(index);
    }

    @Override
    public Object set(int index, Object element) {
      throw new UnsupportedOperationException("immutable");
    }

    @Override
    public void add(int index, Object element) {
      throw new UnsupportedOperationException("immutable");
    }

    @Override
    public Object remove(int index) {
      throw new UnsupportedOperationException("immutable");
    }

    @Override
    public int indexOf(Object o) {
      return items.indexOf(o);
    }

    @Override
    public int lastIndexOf(Object o) {
      return items.lastIndexOf(o);
    }

    @Override
    public ListIterator<Object> listIterator() {
      return items.listIterator();
    }

    @Override
    public ListIterator<Object> listIterator(int index) {
      return items.listIterator(index);
    }

    @Override
    public List<Object> subList(int fromIndex, int toIndex) {
      return items.subList(fromIndex, toIndex);
    }

    // The List contract: equal to any list with the same items in the same order.
    @Override
    public boolean equals(Object o) {
      return o == this || items.equals(o);
    }

    @Override
    public int hashCode() {
      return items.hashCode();
    }

    @Override
    public String toString() {
      return items.toString();
    }
  }
}
