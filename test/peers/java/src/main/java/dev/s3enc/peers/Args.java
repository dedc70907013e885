package dev.s3enc.peers;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line of a peer run: {@code <client> <put|get> --flag value ... --object KEY=FILE ...}.
 * Flags without a value are booleans. Unknown flags are an error, so a typo never silently
 * changes what a test exercises.
 */
final class Args {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> BOOLEANS =
      List.of("--instruction-file", "--legacy", "--cbc", "--multipart");
  private static final List<String> VALUES =
      List.of(
          "--bucket", "--kms-key-id", "--aes-key-file", "--rsa-key-file", "--format",
          "--context-json", "--matdesc-json", "--part-size", "--instruction-suffix", "--buffer-size",
          "--object");

  final String client;
  final String op;
  private final Map<String, String> values = new LinkedHashMap<>();
  private final List<String> flags = new ArrayList<>();
  /** Pairs of S3 key and local file, in the order given. */
  final List<String[]> objects = new ArrayList<>();

  Args(String[] argv) {
    if (argv.length < 2) throw new IllegalArgumentException("usage: <client> <put|get> [flags]");
    client = argv[0];
    op = argv[1];
    for (int i = 2; i < argv.length; i++) {
      String a = argv[i];
      if (BOOLEANS.contains(a)) {
        flags.add(a);
      } else if (VALUES.contains(a) && i + 1 < argv.length) {
        String v = argv[++i];
        if (a.equals("--object")) {
          int eq = v.indexOf('=');
          if (eq <= 0) throw new IllegalArgumentException("--object wants KEY=FILE: " + v);
          objects.add(new String[] {v.substring(0, eq), v.substring(eq + 1)});
        } else {
          values.put(a, v);
        }
      } else {
        throw new IllegalArgumentException("unknown or incomplete flag: " + a);
      }
    }
    if (objects.isEmpty()) throw new IllegalArgumentException("give at least one --object KEY=FILE");
  }

  String get(String name) {
    return values.get(name);
  }

  String require(String name) {
    String v = values.get(name);
    if (v == null) throw new IllegalArgumentException("missing " + name);
    return v;
  }

  boolean has(String flag) {
    return flags.contains(flag);
  }

  /** A JSON object of strings from a flag, or an empty map. Keeps the order given. */
  Map<String, String> map(String name) {
    String v = values.get(name);
    if (v == null) return new LinkedHashMap<>();
    try {
      return JSON.readValue(v, new TypeReference<LinkedHashMap<String, String>>() {});
    } catch (Exception e) {
      throw new IllegalArgumentException(name + " is not a JSON object of strings", e);
    }
  }

  long partSize() {
    String v = values.get("--part-size");
    return v == null ? 5L * 1024 * 1024 : Long.parseLong(v);
  }
}
