package dev.wharf.bench.http;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A harness's command line as {@code --name value} pairs, and whether {@code --help} (or {@code -h}) was among
 * them: every harness parser walks {@link #options()} and offers each pair to {@link ServerFlags} and its own
 * options. Also how every harness's {@code main} ends: {@link #main}.
 *
 * @param options the pairs, in order
 * @param help    whether usage was asked for
 */
public record CommandLine(List<Option> options, boolean help) {

    /**
     * One option and its value.
     *
     * @param name  e.g. {@code --rounds}
     * @param value the argument after it, whatever it looks like ({@code --wharf-arg --in-memory} is one pair)
     */
    public record Option(String name, String value) {
    }

    public CommandLine {
        options = List.copyOf(options);
    }

    /** Pairs up {@code args}; a name without a value throws IllegalArgumentException. */
    public static CommandLine of(String... args) {
        List<Option> options = new ArrayList<>();
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("--help") || name.equals("-h")) {
                help = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            options.add(new Option(name, args[++i]));
        }
        return new CommandLine(options, help);
    }

    /**
     * Runs a harness as its {@code main} method and exits: status 2 with {@code usage} on stderr for a command
     * line {@code parse} refuses (IllegalArgumentException), 0 after printing usage when {@code help} asks for
     * it, else the status {@code run} returns, or 1 when it fails. Messages start with {@code tag}.
     */
    public static <O> void main(String tag, String usage, String[] args, Function<String[], O> parse,
                                Predicate<O> help, Function<O, Integer> run) {
        PrintStream err = System.err;
        O options;
        try {
            options = parse.apply(args);
        } catch (IllegalArgumentException e) {
            err.println(tag + ": " + e.getMessage());
            err.print(usage);
            System.exit(2);
            return;
        }
        if (help.test(options)) {
            System.out.print(usage);
            return;
        }
        int status;
        try {
            status = run.apply(options);
        } catch (BenchmarkFailure e) {
            err.println(tag + ": FAILED: " + e.getMessage());
            status = 1;
        } catch (RuntimeException e) {
            err.println(tag + ": FAILED: " + e);
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }
}
