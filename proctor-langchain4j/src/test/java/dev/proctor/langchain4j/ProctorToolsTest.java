package dev.proctor.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.proctor.Proctor;
import dev.proctor.action.Principal;
import dev.proctor.approval.Approver;
import dev.proctor.approval.HeldAction;
import dev.proctor.audit.ActionRecord;
import dev.proctor.audit.KeyFiles;
import dev.proctor.audit.LogExport;
import dev.proctor.audit.LogVerifier;
import dev.proctor.audit.Outcome;
import dev.proctor.audit.ReceiptFormat;
import dev.proctor.audit.VerificationReport;
import dev.proctor.store.DataDirectory;
import dev.proctor.store.LogReader;
import dev.proctor.store.StoredEntry;
import dev.proctor.store.jdbc.SqliteActionLog;
import dev.proctor.store.jdbc.SqliteLogStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real LangChain4j AI service with real {@code @Tool} methods, driven by a scripted chat model,
 * in front of a Proctor on SQLite (log and held approvals) under {@code src/test/resources/
 * bank-policy}: what runs, what the model is told, and what the log holds.
 */
class ProctorToolsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path POLICY = Path.of("src/test/resources/bank-policy");
  private static final Principal AGENT = Principal.agentSession("bank-bot", "session-7");
  private static final Approver LEAD = new Approver("lead-1", Set.of("bank-leads"));

  @TempDir Path dir;

  private DataDirectory data;
  private Proctor proctor;
  private final BankTools bank = new BankTools();

  /** The AI service under test. */
  interface Teller {
    String chat(String message);
  }

  /** The bank's tools; every call that really ran is in {@code ran}. */
  static final class BankTools {
    final List<String> ran = Collections.synchronizedList(new ArrayList<>());

    @Tool("Reads the balance of an account")
    String read_balance(@P(name = "account", value = "the account id") String account) {
      ran.add("read_balance " + account);
      return "balance of " + account + ": 420.00";
    }

    @Tool("Moves money to another account")
    String transfer_funds(
        @P(name = "amount", value = "how much") double amount,
        @P(name = "to", value = "the receiving account") String to) {
      ran.add("transfer_funds " + amount + " " + to);
      return "sent " + amount + " to " + to;
    }

    @Tool("Closes an account for good")
    String close_account(@P(name = "account", value = "the account id") String account) {
      ran.add("close_account " + account);
      return "closed " + account;
    }

    @Tool("Freezes a card")
    String freeze_card(@P(name = "card", value = "the card id") String card) {
      ran.add("freeze_card " + card);
      return "frozen " + card;
    }

    @Tool("Fetches a monthly statement")
    String fetch_statement(@P(name = "account", value = "the account id") String account) {
      ran.add("fetch_statement " + account);
      throw new IllegalStateException("the statement service is down");
    }
  }

  @BeforeEach
  void start() throws Exception {
    data = new DataDirectory(dir.resolve("proctor-data"));
    proctor =
        SqliteActionLog.into(Proctor.builder(), data, notice -> {}).policyDirectory(POLICY).build();
  }

  @AfterEach
  void stop() {
    proctor.close();
  }

  private Teller teller(ScriptedChatModel model, Duration approvalWait) {
    Map<ToolSpecification, ToolExecutor> tools =
        ProctorTools.builder(proctor)
            .principal(AGENT)
            .approvalWait(approvalWait)
            .tools(bank)
            .build();
    return AiServices.builder(Teller.class).chatModel(model).tools(tools).build();
  }

  @Test
  void allowedTool_runsAndItsResultReachesTheModel() throws Exception {
    ScriptedChatModel model =
        ScriptedChatModel.callingTool("read_balance", "{\"account\":\"a-1\"}");

    String answer = teller(model, Duration.ZERO).chat("what is my balance?");

    assertThat(bank.ran).containsExactly("read_balance a-1");
    assertThat(answer).isEqualTo("the tool said: balance of a-1: 420.00");
    Action action = onlyAction("read_balance");
    assertThat(action.states()).containsExactly("requested", "allowed", "executing", "succeeded");
    assertThat(action.record().surface()).isEqualTo("langchain4j");
    assertThat(action.record().actionClass()).isEqualTo("connector.read");
    assertThat(action.record().requester().agent()).contains("bank-bot");
    assertThat(action.lastJson().at("/outcome/outputHash").asText())
        .isEqualTo(sha256("balance of a-1: 420.00"));
    assertLogVerifies();
  }

  @Test
  void transferOverTheLimit_doesNotRunAndTheModelIsToldWhy() throws Exception {
    ScriptedChatModel model =
        ScriptedChatModel.callingTool("transfer_funds", "{\"amount\": 5000, \"to\": \"b-9\"}");

    String answer = teller(model, Duration.ZERO).chat("send 5000 to b-9");

    assertThat(bank.ran).isEmpty();
    Action action = onlyAction("transfer_funds");
    assertThat(action.states()).containsExactly("requested", "denied");
    assertThat(model.toolResults())
        .containsExactly(
            "denied by policy: transfers over 1000 are for people (action " + action.id() + ")");
    assertThat(answer).startsWith("the tool said: denied by policy:");
    assertLogVerifies();
  }

  @Test
  void transferWithinTheLimit_runs() throws Exception {
    ScriptedChatModel model =
        ScriptedChatModel.callingTool("transfer_funds", "{\"amount\": 200, \"to\": \"b-9\"}");

    teller(model, Duration.ZERO).chat("send 200 to b-9");

    assertThat(bank.ran).containsExactly("transfer_funds 200.0 b-9");
    assertThat(onlyAction("transfer_funds").states())
        .containsExactly("requested", "allowed", "executing", "succeeded");
  }

  @Test
  void heldTool_runsOnlyAfterALeadApprovesIt() throws Exception {
    ScriptedChatModel model =
        ScriptedChatModel.callingTool("close_account", "{\"account\":\"a-1\"}");
    Teller teller = teller(model, Duration.ofSeconds(30));

    CompletableFuture<String> answer =
        CompletableFuture.supplyAsync(() -> teller.chat("close a-1"));
    HeldAction held = awaitHeld();
    assertThat(bank.ran).isEmpty();
    proctor.approvals().approve(held.actionId(), LEAD);

    assertThat(answer.get(30, TimeUnit.SECONDS)).isEqualTo("the tool said: closed a-1");
    assertThat(bank.ran).containsExactly("close_account a-1");
    Action action = onlyAction("close_account");
    assertThat(action.id()).isEqualTo(held.actionId());
    assertThat(action.states())
        .containsExactly("requested", "approval_required", "approved", "executing", "succeeded");
    assertThat(action.lastJson().at("/outcome/outputHash").asText())
        .isEqualTo(sha256("closed a-1"));
    assertLogVerifies();
  }

  @Test
  void heldTool_rejected_doesNotRunAndTheModelHearsTheReason() throws Exception {
    ScriptedChatModel model =
        ScriptedChatModel.callingTool("close_account", "{\"account\":\"a-1\"}");
    Teller teller = teller(model, Duration.ofSeconds(30));

    CompletableFuture<String> answer =
        CompletableFuture.supplyAsync(() -> teller.chat("close a-1"));
    HeldAction held = awaitHeld();
    proctor.approvals().reject(held.actionId(), LEAD, "the customer still owes a fee");

    assertThat(answer.get(30, TimeUnit.SECONDS))
        .isEqualTo(
            "the tool said: rejected by lead-1: the customer still owes a fee (action "
                + held.actionId()
                + ")");
    assertThat(bank.ran).isEmpty();
    assertThat(onlyAction("close_account").states())
        .containsExactly("requested", "approval_required", "rejected");
    assertLogVerifies();
  }

  @Test
  void heldTool_noWait_isCanceledAndDoesNotRun() throws Exception {
    ScriptedChatModel model =
        ScriptedChatModel.callingTool("close_account", "{\"account\":\"a-1\"}");

    String answer = teller(model, Duration.ZERO).chat("close a-1");

    Action action = onlyAction("close_account");
    assertThat(answer)
        .isEqualTo(
            "the tool said: approval required: closing an account needs a lead; no approval"
                + " within PT0S, canceled (action "
                + action.id()
                + ")");
    assertThat(bank.ran).isEmpty();
    assertThat(action.states()).containsExactly("requested", "approval_required", "canceled");
    assertThatThrownBy(() -> proctor.approvals().approve(action.id(), LEAD))
        .hasMessageContaining("canceled already");
  }

  @Test
  void askAnsweredAtAHarnessPrompt_isNotRunForThereIsNoPrompt() throws Exception {
    ScriptedChatModel model = ScriptedChatModel.callingTool("freeze_card", "{\"card\":\"c-3\"}");

    String answer = teller(model, Duration.ofSeconds(30)).chat("freeze c-3");

    Action action = onlyAction("freeze_card");
    assertThat(answer).startsWith("the tool said: approval required: ").contains(action.id());
    assertThat(bank.ran).isEmpty();
    assertThat(action.states()).containsExactly("requested", "approval_required");
  }

  @Test
  void throwingTool_isRecordedAsFailedAndTheErrorReachesTheModel() throws Exception {
    ScriptedChatModel model =
        ScriptedChatModel.callingTool("fetch_statement", "{\"account\":\"a-1\"}");

    String answer = teller(model, Duration.ZERO).chat("my statement, please");

    assertThat(bank.ran).containsExactly("fetch_statement a-1");
    assertThat(answer).isEqualTo("the tool said: the statement service is down");
    Action action = onlyAction("fetch_statement");
    assertThat(action.record().actionClass()).isEqualTo("tool.call");
    assertThat(action.states()).containsExactly("requested", "allowed", "executing", "failed");
    assertThat(action.lastJson().at("/outcome/detail").asText())
        .contains("the statement service is down");
    assertLogVerifies();
  }

  @Test
  void unreadableArguments_areRefusedAndTheToolDoesNotRun() throws Exception {
    ScriptedChatModel model = ScriptedChatModel.callingTool("read_balance", "{\"account\": a-1 ");

    String answer = teller(model, Duration.ZERO).chat("what is my balance?");

    assertThat(bank.ran).isEmpty();
    assertThat(answer)
        .startsWith("the tool said: denied: the tool arguments are not a JSON object");
    assertThat(onlyAction("read_balance").states()).containsExactly("requested", "denied");
  }

  @Test
  void lenientArguments_singleQuotesAndATrailingComma_areRead() throws Exception {
    ScriptedChatModel model = ScriptedChatModel.callingTool("read_balance", "{'account': 'a-2',}");

    teller(model, Duration.ZERO).chat("what is my balance?");

    assertThat(bank.ran).containsExactly("read_balance a-2");
  }

  @Test
  void aToolGivenTwice_isRefused() {
    assertThatThrownBy(() -> ProctorTools.builder(proctor).tools(bank, new BankTools()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("given twice");
  }

  /** One action of the log: its id, what it was, its states in order and its last receipt. */
  record Action(String id, ActionRecord record, List<String> states, JsonNode lastJson) {}

  private Action onlyAction(String tool) throws Exception {
    LogReader log = proctor.log().store();
    List<StoredEntry> entries = new ArrayList<>();
    log.scan(0, log.size(), entries::add);
    List<String> ids =
        entries.stream()
            .filter(e -> e.state().equals("requested"))
            .filter(e -> ReceiptFormat.action(e.json()).tool().equals(tool))
            .map(StoredEntry::actionId)
            .toList();
    assertThat(ids).as("actions of " + tool).hasSize(1);
    List<StoredEntry> of = entries.stream().filter(e -> e.actionId().equals(ids.get(0))).toList();
    return new Action(
        ids.get(0),
        ReceiptFormat.action(of.get(0).json()),
        of.stream().map(StoredEntry::state).toList(),
        JSON.readTree(of.get(of.size() - 1).json()));
  }

  private HeldAction awaitHeld() {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < end) {
      List<HeldAction> pending = proctor.approvals().pending(10);
      if (!pending.isEmpty()) {
        return pending.get(0);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    throw new AssertionError("no action was held for approval");
  }

  private void assertLogVerifies() throws Exception {
    proctor.close();
    try (SqliteLogStore store = SqliteActionLog.openStore(data)) {
      ByteArrayOutputStream export = new ByteArrayOutputStream();
      LogExport.jsonLines(store, 0, store.size(), export);
      VerificationReport report =
          new LogVerifier(KeyFiles.loadPublic(List.of(data.publicKeys())), List.of())
              .verify(new ByteArrayInputStream(export.toByteArray()));
      assertThat(report.intact()).as(report.summary()).isTrue();
    }
    proctor =
        SqliteActionLog.into(Proctor.builder(), data, notice -> {}).policyDirectory(POLICY).build();
  }

  private static String sha256(String text) {
    return Outcome.ofOutput(Optional.empty(), text.getBytes(StandardCharsets.UTF_8))
        .outputHash()
        .orElseThrow();
  }
}
