package dev.proctor.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Ed25519 key files: the private key as PKCS#8 PEM, followed by its public key, created with mode
 * 0600 (a private key file that group or others can read is refused), public keys as X.509 PEM
 * named by key id, and the key id itself: lower-case hex SHA-256 of the public key's X.509
 * encoding.
 */
public final class KeyFiles {

  private static final String PRIVATE = "PRIVATE KEY";
  private static final String PUBLIC = "PUBLIC KEY";

  private KeyFiles() {}

  /** The key id of a public key. */
  public static String keyId(PublicKey key) {
    return HexFormat.of().formatHex(Merkle.sha256().digest(key.getEncoded()));
  }

  /**
   * Creates a new key pair: the private key at {@code privateKeyFile}, the public one in a dir.
   * Throws {@link FileAlreadyExistsException} when a private key exists — also when another process
   * created one at the same moment: of several creators exactly one wins, and no key is replaced.
   */
  public static String create(Path privateKeyFile, Path publicKeyDir) throws IOException {
    return createIfAbsent(privateKeyFile, publicKeyDir)
        .orElseThrow(
            () ->
                new FileAlreadyExistsException(
                    privateKeyFile.toString(), null, "a signing key exists already; use rotate"));
  }

  /**
   * Creates a new key pair unless a private key exists, and returns its id, or empty when a key
   * exists (perhaps created by another process at the same moment, which is then the key to use).
   *
   * <p>Why a private temporary file and a hard link: the key must appear whole and at most once.
   * Each creator writes its own temporary file (mode 0600) and links it into place; {@code link(2)}
   * fails when the name exists, so one creator wins and the others remove what they wrote.
   */
  public static Optional<String> createIfAbsent(Path privateKeyFile, Path publicKeyDir)
      throws IOException {
    if (Files.exists(privateKeyFile, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    return install(generate(), privateKeyFile, publicKeyDir);
  }

  private static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no Ed25519", e);
    }
  }

  /** Writes a key pair into place unless a private key is there already (then empty). */
  private static Optional<String> install(KeyPair pair, Path privateKeyFile, Path publicKeyDir)
      throws IOException {
    Path parent = privateKeyFile.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp =
        Files.createTempFile(
            parent,
            privateKeyFile.getFileName() + ".",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      // The private key file carries the public key too: the JDK cannot derive it from PKCS#8 v1.
      Files.writeString(
          tmp,
          pem(PRIVATE, pair.getPrivate().getEncoded()) + pem(PUBLIC, pair.getPublic().getEncoded()),
          StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.SYNC);
      // The public key goes first: a checkpoint signed with the key must always be verifiable.
      String id = keyId(pair.getPublic());
      Path publicFile = publicKeyDir.resolve(id + ".pem");
      writePublic(publicFile, pair.getPublic());
      try {
        try {
          Files.createLink(privateKeyFile, tmp);
        } catch (UnsupportedOperationException | FileSystemException e) {
          if (e instanceof FileAlreadyExistsException exists) {
            throw exists;
          }
          // No hard links here: a plain move, which refuses an existing target too, not atomically.
          Files.move(tmp, privateKeyFile);
        }
      } catch (FileAlreadyExistsException e) {
        Files.deleteIfExists(publicFile);
        return Optional.empty();
      }
      return Optional.of(id);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Replaces the private key with a new one and returns its id; the old public key stays in the
   * public key directory so that older checkpoints still verify. Nothing announces the new key: for
   * a log, use the rotation that signs a handover first ({@code SqliteActionLog.rotateKey}).
   */
  public static String rotate(Path privateKeyFile, Path publicKeyDir) throws IOException {
    return rotate(privateKeyFile, publicKeyDir, next -> {});
  }

  /** What a rotation does with the new public key before it replaces the old key. */
  @FunctionalInterface
  public interface Announcement {

    /** Announces the next key while the old one is still in place; a failure stops the rotation. */
    void announce(PublicKey next) throws IOException;
  }

  /**
   * Replaces the private key with a new one and returns its id, first handing the new public key to
   * {@code announce} while the old key is still in place (a log signs its handover then); when the
   * announcement fails, nothing changes. The old public key stays in the public key directory.
   */
  public static String rotate(Path privateKeyFile, Path publicKeyDir, Announcement announce)
      throws IOException {
    CheckpointSigner old = loadSigner(privateKeyFile);
    KeyPair next = generate();
    announce.announce(next.getPublic());
    writePublic(publicKeyDir.resolve(old.keyId() + ".pem"), old.publicKey());
    Path retired =
        privateKeyFile.resolveSibling(
            privateKeyFile.getFileName() + "." + old.keyId() + ".retired");
    Files.move(privateKeyFile, retired);
    String id =
        install(next, privateKeyFile, publicKeyDir)
            .orElseThrow(
                () ->
                    new FileAlreadyExistsException(
                        privateKeyFile.toString(),
                        null,
                        "another process created a signing key during the rotation"));
    Files.delete(retired);
    return id;
  }

  /**
   * Records that a key signed {@code c}: {@code <usedDir>/<key id>.json} holds the checkpoint of
   * the largest size the key signed, of whichever log — a log recreated under the same key does not
   * replace it with its size 0. It is evidence that the key was used ({@code proctor audit verify}
   * of an empty log reports it), not a durable copy: it is replaced atomically but not forced.
   */
  public static void recordUse(Path usedDir, Checkpoint c) throws IOException {
    Path file = usedDir.resolve(c.keyId() + ".json");
    Optional<Checkpoint> held = readUse(file);
    if (held.isPresent() && held.get().size() >= c.size()) {
      return;
    }
    Files.createDirectories(usedDir);
    Path tmp = Files.createTempFile(usedDir, c.keyId() + ".", ".tmp");
    try {
      Files.writeString(tmp, c.toJson() + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The checkpoints a key-use directory holds, one per key that signed; none when it is absent. */
  public static List<Checkpoint> uses(Path usedDir) throws IOException {
    if (!Files.isDirectory(usedDir)) {
      return List.of();
    }
    List<Checkpoint> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(usedDir)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        readUse(f).ifPresent(out::add);
      }
    }
    return out;
  }

  private static Optional<Checkpoint> readUse(Path file) throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Checkpoint.fromJson(Files.readString(file, StandardCharsets.UTF_8)));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": not a checkpoint: " + e.getMessage(), e);
    }
  }

  /** Loads the signer from a private key file, refusing one that group or others can read. */
  public static CheckpointSigner loadSigner(Path privateKeyFile) throws IOException {
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(privateKeyFile);
    for (PosixFilePermission p : perms) {
      if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
        throw new IOException(
            privateKeyFile
                + " is readable by others (mode "
                + PosixFilePermissions.toString(perms)
                + "); run chmod 600 on it");
      }
    }
    String text = Files.readString(privateKeyFile, StandardCharsets.US_ASCII);
    byte[] der = der(text, PRIVATE, privateKeyFile);
    try {
      KeyFactory kf = KeyFactory.getInstance("Ed25519");
      PrivateKey priv = kf.generatePrivate(new PKCS8EncodedKeySpec(der));
      PublicKey pub = kf.generatePublic(new X509EncodedKeySpec(der(text, PUBLIC, privateKeyFile)));
      CheckpointSigner signer = new CheckpointSigner(priv, pub);
      byte[] probe = "proctor key check".getBytes(StandardCharsets.US_ASCII);
      Signature check = Signature.getInstance("Ed25519");
      check.initVerify(pub);
      check.update(probe);
      if (!check.verify(signer.sign(probe))) {
        throw new IOException(privateKeyFile + ": the public key does not match the private key");
      }
      return signer;
    } catch (GeneralSecurityException e) {
      throw new IOException(
          privateKeyFile + " is not an Ed25519 private key: " + e.getMessage(), e);
    }
  }

  /** Loads one public key file, or every {@code *.pem} in a directory, into a key ring. */
  public static KeyRing loadPublic(List<Path> filesOrDirectories) throws IOException {
    List<PublicKey> keys = new ArrayList<>();
    for (Path p : filesOrDirectories) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          for (Path f : s.filter(f -> f.toString().endsWith(".pem")).sorted().toList()) {
            keys.add(readPublic(f));
          }
        }
      } else {
        keys.add(readPublic(p));
      }
    }
    return KeyRing.of(keys);
  }

  /** Reads one X.509 PEM public key. */
  public static PublicKey readPublic(Path file) throws IOException {
    byte[] der = der(Files.readString(file, StandardCharsets.US_ASCII), PUBLIC, file);
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IOException(file + " is not an Ed25519 public key: " + e.getMessage(), e);
    }
  }

  /** Writes a public key as X.509 PEM. */
  public static void writePublic(Path file, PublicKey key) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, pem(PUBLIC, key.getEncoded()));
  }

  /** A public key as X.509 PEM text. */
  public static String publicPem(PublicKey key) {
    return pem(PUBLIC, key.getEncoded());
  }

  /** Reads a public key from X.509 PEM text. */
  public static PublicKey parsePublicPem(String pem) throws IOException {
    byte[] der = der(pem, PUBLIC, Path.of("(text)"));
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IOException("not an Ed25519 public key: " + e.getMessage(), e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static byte[] der(String pem, String type, Path where) throws IOException {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int b = pem.indexOf(begin);
    int e = pem.indexOf(end);
    if (b < 0 || e < b) {
      throw new IOException(where + " has no " + begin + " block");
    }
    try {
      return Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
    } catch (IllegalArgumentException ex) {
      throw new IOException(where + ": bad base64 in the PEM block", ex);
    }
  }
}
