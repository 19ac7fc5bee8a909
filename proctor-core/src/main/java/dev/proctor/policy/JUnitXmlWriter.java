package dev.proctor.policy;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Writes a test report as JUnit XML in the shape Maven Surefire produces ({@code testsuites} →
 * {@code testsuite} → {@code testcase} with {@code failure}), which CI systems display. Rules no
 * case exercised are listed in the suite's {@code system-out}.
 */
public final class JUnitXmlWriter {

  private JUnitXmlWriter() {}

  /** The report as JUnit XML text. */
  public static String toXml(PolicyTestReport report) {
    StringWriter out = new StringWriter();
    try {
      write(report, out);
    } catch (IOException e) {
      throw new IllegalStateException("writing to a string failed", e);
    }
    return out.toString();
  }

  /** Writes the report as UTF-8 JUnit XML. */
  public static void write(PolicyTestReport report, OutputStream out) throws IOException {
    Writer w = new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8);
    write(report, w);
    w.flush();
  }

  /** Writes the report as JUnit XML. */
  public static void write(PolicyTestReport report, Writer out) throws IOException {
    Map<String, List<PolicyTestResult>> bySuite = new LinkedHashMap<>();
    for (PolicyTestResult r : report.results()) {
      bySuite.computeIfAbsent(r.suite(), k -> new ArrayList<>()).add(r);
    }
    try {
      XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
      x.writeStartDocument("UTF-8", "1.0");
      x.writeCharacters("\n");
      x.writeStartElement("testsuites");
      x.writeAttribute("name", "policy " + report.policyId());
      x.writeAttribute("tests", Integer.toString(report.results().size()));
      x.writeAttribute("failures", Long.toString(report.failed()));
      x.writeAttribute("errors", "0");
      x.writeAttribute("time", seconds(total(report.results())));
      x.writeCharacters("\n");
      for (Map.Entry<String, List<PolicyTestResult>> s : bySuite.entrySet()) {
        List<PolicyTestResult> rs = s.getValue();
        long failures = rs.stream().filter(r -> !r.passed()).count();
        x.writeCharacters("  ");
        x.writeStartElement("testsuite");
        x.writeAttribute("name", s.getKey());
        x.writeAttribute("tests", Integer.toString(rs.size()));
        x.writeAttribute("failures", Long.toString(failures));
        x.writeAttribute("errors", "0");
        x.writeAttribute("skipped", "0");
        x.writeAttribute("time", seconds(total(rs)));
        x.writeCharacters("\n    ");
        x.writeStartElement("properties");
        property(x, "policy.id", report.policyId());
        property(x, "policy.digest", report.policyDigest());
        x.writeEndElement();
        x.writeCharacters("\n");
        for (PolicyTestResult r : rs) {
          x.writeCharacters("    ");
          x.writeStartElement("testcase");
          x.writeAttribute("classname", s.getKey());
          x.writeAttribute("name", r.testCase().name());
          x.writeAttribute("file", r.testCase().position().file());
          x.writeAttribute("line", Integer.toString(r.testCase().position().line()));
          x.writeAttribute("time", seconds(r.time()));
          if (!r.passed()) {
            x.writeStartElement("failure");
            x.writeAttribute("message", r.failure().orElseThrow());
            x.writeAttribute("type", "PolicyTestFailure");
            x.writeCharacters(r.testCase().position() + ": " + r.failure().orElseThrow());
            x.writeEndElement();
          }
          x.writeEndElement();
          x.writeCharacters("\n");
        }
        x.writeCharacters("    ");
        x.writeStartElement("system-out");
        x.writeCharacters(
            report.uncoveredRules().isEmpty()
                ? "rule coverage: every rule exercised"
                : "rules no case exercised: " + String.join(", ", report.uncoveredRules()));
        x.writeEndElement();
        x.writeCharacters("\n  ");
        x.writeEndElement();
        x.writeCharacters("\n");
      }
      x.writeEndElement();
      x.writeCharacters("\n");
      x.writeEndDocument();
      x.flush();
    } catch (XMLStreamException e) {
      throw new IOException("cannot write JUnit XML: " + e.getMessage(), e);
    }
  }

  private static void property(XMLStreamWriter x, String name, String value)
      throws XMLStreamException {
    x.writeEmptyElement("property");
    x.writeAttribute("name", name);
    x.writeAttribute("value", value);
  }

  private static Duration total(List<PolicyTestResult> results) {
    Duration d = Duration.ZERO;
    for (PolicyTestResult r : results) {
      d = d.plus(r.time());
    }
    return d;
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.6f", d.toNanos() / 1e9);
  }
}
