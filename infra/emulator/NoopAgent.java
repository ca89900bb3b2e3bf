// The emulator starts DynamoDB Local with a Java agent of its own (a patch
// allowing more than 20 secondary indexes), which it downloads at first use.
// Offline there is nothing to download, and the table here has one index, so
// infra/emulator/control.py compiles this class into a jar of the same name:
// the JVM loads it as the agent, and it changes nothing.
public final class NoopAgent {
    private NoopAgent() {}

    public static void premain(String arguments) {}
}
