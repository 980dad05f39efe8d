package dev.cryo.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.List;

/**
 * Builds the picocli model in code. Cryo declares no picocli annotations: reading them makes the JDK
 * generate a proxy class per annotation type at run time, which the AOT cache cannot hold, and that
 * was most of every command's start-up (see the launcher).
 */
final class Options {
    private Options() {}

    static OptionSpec flag(String description, String... names) {
        // initialValue, not defaultValue: picocli applies a default to a flag as if it were given (true)
        return OptionSpec.builder(names).type(boolean.class).arity("0").initialValue(false).description(description).build();
    }

    static OptionSpec verbose() {
        return flag("Print stack traces with errors.", "-v", "--verbose");
    }

    /** A required positional parameter. */
    static PositionalParamSpec parameter(String label, String description) {
        return PositionalParamSpec.builder().paramLabel(label).type(String.class).arity("1").required(true)
                .description(description).build();
    }

    static PositionalParamSpec optionalParameter(String label, String description) {
        return PositionalParamSpec.builder().paramLabel(label).type(String.class).arity("0..1").description(description).build();
    }

    static PositionalParamSpec parameters(String label, String description) {
        return PositionalParamSpec.builder().paramLabel(label).type(List.class).auxiliaryTypes(String.class)
                .arity("1..*").required(true).description(description).build();
    }

    /** The spec of a verb: its name, one-line header and description, and -h/--help. */
    static CommandSpec verb(Object command, String name, String header, String... description) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name(name);
        spec.usageMessage().header(header).description(description).sortOptions(false).autoWidth(true);
        spec.addOption(OptionSpec.builder("-h", "--help").type(boolean.class).arity("0").usageHelp(true)
                .description("Show this help message and exit.").build());
        return spec;
    }
}
