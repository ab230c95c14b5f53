using Cocona.Command;
using Cocona.Command.Binder;
using Cocona.Command.Dispatcher;

namespace Dupr.Cli;

/// <summary>
/// Command-line mistakes (an unknown option, a value of the wrong type, a missing option, an extra argument) as one
/// `dupr: error: ...` line and exit code 1, like every other bad input; it replaces Cocona's own handlers, which print
/// "Error: ..." and exit 129 for unknown options, and ignore extra positional arguments.
/// </summary>
public sealed class CommandLineErrors(CommandDispatchDelegate next) : CommandDispatcherMiddleware(next)
{
    public override async ValueTask<int> DispatchAsync(CommandDispatchContext ctx)
    {
        string? problem = Check(ctx);
        if (problem == null)
        {
            try
            {
                return await Next(ctx);
            }
            catch (ParameterBinderException e)
            {
                problem = Describe(e, ctx);
            }
        }
        Console.Error.WriteLine($"dupr: error: {problem}");
        return 1;
    }

    // Problems visible before binding: options the command does not have, and positional arguments beyond its own.
    static string? Check(CommandDispatchContext ctx)
    {
        var line = ctx.ParsedCommandLine;
        if (line.UnknownOptions.Count > 0 && !ctx.Command.Flags.HasFlag(CommandFlags.IgnoreUnknownOptions))
            return $"unknown option '{Dashed(line.UnknownOptions[0])}' (see --help)";
        bool takesAny = ctx.Command.Arguments.Any(a => a.IsEnumerableLike);
        if (!takesAny && line.Arguments.Count > ctx.Command.Arguments.Count)
            return $"unexpected argument '{line.Arguments[ctx.Command.Arguments.Count].Value}' (each option takes one value; see --help)";
        return null;
    }

    static string Describe(ParameterBinderException e, CommandDispatchContext ctx) => (e.Result, e.Option, e.Argument) switch
    {
        (ParameterBinderResult.InsufficientOption, { } option, _) => $"--{option.Name} is required (see --help)",
        (ParameterBinderResult.InsufficientOptionValue, { } option, _) => $"--{option.Name} needs a value",
        (ParameterBinderResult.InsufficientArgument, _, { } argument) => $"the argument {argument.Name} is required (see --help)",
        (ParameterBinderResult.TypeNotSupported, { } option, _) when ValueOf(ctx, option) is string value =>
            $"--{option.Name}: expected {Describe(option.UnwrappedOptionType)}, got '{value}'",
        _ => e.Message,
    };

    static string? ValueOf(CommandDispatchContext ctx, CommandOptionDescriptor option) =>
        ctx.ParsedCommandLine.Options.Where(o => ReferenceEquals(o.Option, option)).Select(o => o.Value).LastOrDefault();

    static string Describe(Type type)
    {
        Type element = type.IsArray ? type.GetElementType()! : type;
        return Type.GetTypeCode(element) switch
        {
            TypeCode.Int16 or TypeCode.Int32 or TypeCode.Int64 or TypeCode.UInt16 or TypeCode.UInt32 or TypeCode.UInt64 => "an integer",
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "a number",
            TypeCode.Boolean => "true or false",
            _ => $"a {element.Name}",
        };
    }

    static string Dashed(string name) => name.Length == 1 ? $"-{name}" : $"--{name}";
}
