package dev.s3enc.peers;

import java.util.Locale;

/**
 * Entry point of the Java peers. {@code <client>} is {@code v4} (the S3 Encryption Client 4.x,
 * AWS SDK v2), {@code sdk1-v1} (AWS SDK for Java v1 {@code AmazonS3EncryptionClient}, the V1-era
 * writer SES uses) or {@code sdk1-v2} ({@code AmazonS3EncryptionClientV2}). Each object's outcome
 * is one JSON line on stdout; the exit code is 0 only when every object succeeded.
 */
public final class Main {
  private Main() {}

  /** One client's put and get over the objects of a run. */
  interface Peer {
    void put(String key, String file) throws Exception;

    void get(String key, String file) throws Exception;
  }

  public static void main(String[] argv) {
    Args args;
    Peer peer;
    try {
      args = new Args(argv);
      Env env = new Env();
      peer =
          switch (args.client) {
            case "v4" -> new V4Peer(args, env);
            case "sdk1-v1" -> new Sdk1Peer(args, env, false);
            case "sdk1-v2" -> new Sdk1Peer(args, env, true);
            default -> throw new IllegalArgumentException("unknown client " + args.client);
          };
    } catch (Exception e) {
      System.err.println("peer setup failed: " + describe(e));
      System.exit(2);
      return;
    }
    boolean ok = true;
    for (String[] o : args.objects) {
      try {
        switch (args.op) {
          case "put" -> peer.put(o[0], o[1]);
          case "get" -> peer.get(o[0], o[1]);
          default -> throw new IllegalArgumentException("unknown op " + args.op);
        }
        System.out.println("{\"key\":" + quote(o[0]) + ",\"ok\":true}");
      } catch (Exception e) {
        ok = false;
        System.out.println(
            "{\"key\":" + quote(o[0]) + ",\"ok\":false,\"error\":" + quote(describe(e)) + "}");
      }
    }
    System.out.flush();
    System.exit(ok ? 0 : 1);
  }

  static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null && sb.length() < 2000; t = t.getCause()) {
      if (sb.length() > 0) sb.append(" <- ");
      sb.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
    }
    return sb.toString();
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') sb.append('\\').append(c);
      else if (c < 0x20) sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      else sb.append(c);
    }
    return sb.append('"').toString();
  }
}
