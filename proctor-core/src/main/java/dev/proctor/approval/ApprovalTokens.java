package dev.proctor.approval;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.action.CanonicalJson;
import dev.proctor.action.Principal;
import dev.proctor.action.ToolCall;
import dev.proctor.audit.CheckpointSigner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

/**
 * Signed approval tokens: what a decided approval hands to the side that executes the action, so
 * that the approval authorises exactly one action — the one it was given for, once (DESIGN.md
 * invariant 6).
 *
 * <p>A token reads {@code pat1.<payload>.<signature>}, both parts base64url without padding. The
 * payload is the RFC 8785 canonical JSON of {@code {"v":1, "kid", "action", "actionDigest",
 * "policyDigest", "requester", "nonce", "expires"}}: the held action's id, the SHA-256 digest of
 * the fields that define it (principal, surface, tool, operation, arguments), the digest of the
 * policy that held it, the requesting principal, a random single-use nonce and the expiry in epoch
 * seconds. The signature is Ed25519 by the log's signing key over the ASCII bytes {@code
 * proctor-approval-token-v1.<payload>} — the prefix keeps a token signature from ever being read as
 * a checkpoint signature made by the same key. A token is deterministic: the same decided approval
 * always yields the same token, so it can be shown again without a second copy existing.
 *
 * <p>{@link #verify} checks, in this order, the shape, the signature (by the key that signs here),
 * the expiry, the requester, the action digest of the call presented and the policy in force; the
 * single use is the store's ({@link dev.proctor.store.ApprovalStore#useToken}), checked by {@link
 * Approvals#redeem} after everything else passed.
 */
public final class ApprovalTokens {

  /** The text a token starts with. */
  public static final String PREFIX = "pat1";

  /** How long a token stays usable after its approval was decided, unless configured. */
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

  private static final String CONTEXT = "proctor-approval-token-v1.";
  private static final int MAX_LENGTH = 16 * 1024;
  private static final Set<String> FIELDS =
      Set.of("v", "kid", "action", "actionDigest", "policyDigest", "requester", "nonce", "expires");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final CheckpointSigner signer;
  private final Clock clock;
  private final Duration ttl;

  /** What a token says, once its signature has been checked. */
  public record Claims(
      String actionId,
      String actionDigest,
      String policyDigest,
      JsonNode requester,
      String nonce,
      Instant expires) {
    public Claims {
      requireNonNull(actionId, "actionId is null");
      requireNonNull(actionDigest, "actionDigest is null");
      requireNonNull(policyDigest, "policyDigest is null");
      requester = requireNonNull(requester, "requester is null").deepCopy();
      requireNonNull(nonce, "nonce is null");
      requireNonNull(expires, "expires is null");
    }
  }

  /** A token refused; nothing was used up. The code names why, for APIs and receipts. */
  public static final class TokenException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a token was refused. */
    public enum Code {
      MALFORMED("token-malformed"),
      FORGED("token-forged"),
      EXPIRED("token-expired"),
      OTHER_REQUESTER("token-other-requester"),
      ARGUMENTS_CHANGED("token-action-changed"),
      POLICY_CHANGED("token-policy-changed"),
      NOT_APPROVED("token-not-approved"),
      USED("token-used"),
      UNAVAILABLE("store-unavailable");

      private final String wire;

      Code(String wire) {
        this.wire = wire;
      }

      /** The spelling in answers and receipts, such as {@code token-used}. */
      public String wireName() {
        return wire;
      }
    }

    private final Code code;

    /** A refusal with its code and message. */
    public TokenException(Code code, String message) {
      super(message);
      this.code = requireNonNull(code, "code is null");
    }

    /** Why. */
    public Code code() {
      return code;
    }
  }

  /** Tokens signed by a key, valid for {@code ttl} after the approval was decided. */
  public ApprovalTokens(CheckpointSigner signer, Clock clock, Duration ttl) {
    this.signer = requireNonNull(signer, "signer is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.ttl = requireNonNull(ttl, "ttl is null");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("the token lifetime must be positive, was " + ttl);
    }
  }

  /**
   * Tokens signed by a fresh key that lives as long as this object: for an embedded Proctor without
   * a log signing key, whose tokens then verify only in this process.
   */
  public static ApprovalTokens ephemeral(Clock clock, Duration ttl) {
    try {
      var pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      return new ApprovalTokens(
          new CheckpointSigner(pair.getPrivate(), pair.getPublic()), clock, ttl);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is not available: " + e.getMessage(), e);
    }
  }

  /** How long a token is valid after its approval was decided. */
  public Duration ttl() {
    return ttl;
  }

  /** The token of an approval decided at {@code decided}. */
  String issue(
      String actionId,
      String actionDigest,
      String policyDigest,
      Principal requester,
      String nonce,
      Instant decided) {
    ObjectNode p = JsonNodeFactory.instance.objectNode();
    p.put("v", 1);
    p.put("kid", signer.keyId());
    p.put("action", actionId);
    p.put("actionDigest", actionDigest);
    p.put("policyDigest", policyDigest);
    p.set("requester", requester(requester));
    p.put("nonce", nonce);
    p.put("expires", decided.plus(ttl).getEpochSecond());
    String payload = B64.encodeToString(CanonicalJson.bytes(p));
    byte[] sig = signer.sign((CONTEXT + payload).getBytes(StandardCharsets.US_ASCII));
    return PREFIX + "." + payload + "." + B64.encodeToString(sig);
  }

  /**
   * Checks a token against the call it is presented with and the digest of the policy in force;
   * returns its claims. The nonce is not used up here.
   */
  public Claims verify(String token, ToolCall call, String policyDigest) throws TokenException {
    requireNonNull(token, "token is null");
    requireNonNull(call, "call is null");
    requireNonNull(policyDigest, "policyDigest is null");
    Claims c = read(token);
    if (!clock.instant().isBefore(c.expires())) {
      throw new TokenException(
          TokenException.Code.EXPIRED,
          "the approval token of action " + c.actionId() + " expired at " + c.expires());
    }
    if (!c.requester().equals(requester(call.principal()))) {
      throw new TokenException(
          TokenException.Code.OTHER_REQUESTER,
          "the approval token of action "
              + c.actionId()
              + " was issued to "
              + c.requester()
              + ", not to "
              + requester(call.principal()));
    }
    if (!c.actionDigest().equals(call.digest())) {
      throw new TokenException(
          TokenException.Code.ARGUMENTS_CHANGED,
          "the call is not the one approved for action "
              + c.actionId()
              + " (its digest "
              + call.digest()
              + " differs from the approved "
              + c.actionDigest()
              + "): changed arguments need a new approval");
    }
    if (!c.policyDigest().equals(policyDigest)) {
      throw new TokenException(
          TokenException.Code.POLICY_CHANGED,
          "action "
              + c.actionId()
              + " was approved under policy "
              + c.policyDigest()
              + ", but "
              + policyDigest
              + " is in force now: ask again");
    }
    return c;
  }

  /** The claims of a token whose signature is this key's; throws for anything else. */
  Claims read(String token) throws TokenException {
    if (token.length() > MAX_LENGTH) {
      throw malformed("longer than " + MAX_LENGTH + " characters");
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || !parts[0].equals(PREFIX)) {
      throw malformed("not of the form " + PREFIX + ".<payload>.<signature>");
    }
    byte[] payload;
    byte[] sig;
    try {
      payload = B64D.decode(parts[1]);
      sig = B64D.decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw malformed("a part is not base64url");
    }
    if (!signedByUs(parts[1], sig)) {
      throw new TokenException(
          TokenException.Code.FORGED,
          "the approval token's signature is not by this Proctor's key " + signer.keyId());
    }
    JsonNode j;
    try {
      j = JSON.readTree(payload);
    } catch (IOException e) {
      throw malformed("the payload is not JSON");
    }
    // Signed by us, so well-formed unless another version wrote it: check anyway.
    if (j == null
        || !j.isObject()
        || j.size() != FIELDS.size()
        || !FIELDS.stream().allMatch(j::has)
        || j.path("v").asInt() != 1
        || !j.path("kid").asText().equals(signer.keyId())
        || !j.path("requester").isObject()
        || !j.path("expires").canConvertToLong()) {
      throw malformed("the payload is not a version 1 token of this key");
    }
    return new Claims(
        j.path("action").asText(),
        j.path("actionDigest").asText(),
        j.path("policyDigest").asText(),
        j.path("requester"),
        j.path("nonce").asText(),
        Instant.ofEpochSecond(j.path("expires").asLong()));
  }

  private boolean signedByUs(String payload, byte[] sig) {
    PublicKey key = signer.publicKey();
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update((CONTEXT + payload).getBytes(StandardCharsets.US_ASCII));
      return s.verify(sig);
    } catch (java.security.SignatureException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot check Ed25519 signatures: " + e.getMessage(), e);
    }
  }

  private static TokenException malformed(String why) {
    return new TokenException(
        TokenException.Code.MALFORMED, "the approval token is malformed: " + why);
  }

  /** The requesting principal as a token names it: who asks, not the groups they are in. */
  static ObjectNode requester(Principal p) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    p.human().ifPresent(v -> o.put("human", v));
    p.agent().ifPresent(v -> o.put("agent", v));
    p.service().ifPresent(v -> o.put("service", v));
    p.session().ifPresent(v -> o.put("session", v));
    p.tenant().ifPresent(v -> o.put("tenant", v));
    if (!p.delegationChain().isEmpty()) {
      p.delegationChain().forEach(o.putArray("delegationChain")::add);
    }
    return o;
  }
}
