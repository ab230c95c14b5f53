using Cocona.Command;
using Cocona.Command.Dispatcher;
using Cocona.CommandLine;
using Cocona.Internal;

namespace Dupr.Cli;

/// <summary>
/// Cocona's bootstrapper (resolve the command line, dispatch it) with an unknown command reported as one
/// `dupr: error: ...` line and exit code 1, like every other command-line mistake (<see cref="CommandLineErrors"/>);
/// Cocona's own prints "Error: ..." and a list of similar commands, before any middleware can see the command line.
/// </summary>
public sealed class UnknownCommands(ICoconaCommandLineArgumentProvider arguments, ICoconaCommandProvider commands, ICoconaCommandResolver resolver,
                                    ICoconaCommandDispatcher dispatcher) : ICoconaBootstrapper
{
    CommandCollection? _commands;

    public void Initialize() => _commands = commands.GetCommandCollection();

    public async ValueTask<int> RunAsync(CancellationToken cancellationToken)
    {
        string[] args = arguments.GetArguments();
        try
        {
            var resolved = resolver.ParseAndResolve(_commands ?? throw new InvalidOperationException("Initialize was not called"), args);
            return await dispatcher.DispatchAsync(resolved, cancellationToken);
        }
        catch (CommandNotFoundException e)
        {
            Console.Error.WriteLine($"dupr: error: {Describe(e, args)}");
            return 1;
        }
    }

    // "unknown command 'x' (see dupr bench --help)", naming a close match as Cocona does (edit distance under 3).
    static string Describe(CommandNotFoundException e, string[] args)
    {
        if (string.IsNullOrWhiteSpace(e.Command)) return e.Message;
        string parent = string.Join("", args.TakeWhile(a => a != e.Command).Where(a => !a.StartsWith('-')).Select(a => " " + a));
        var similar = e.ImplementedCommands.All
            .Where(c => !c.IsHidden && Levenshtein.GetDistance(e.Command.ToLowerInvariant(), c.Name.ToLowerInvariant()) < 3)
            .Select(c => $"'{c.Name}'").ToList();
        string hint = similar.Count > 0 ? $"did you mean {string.Join(" or ", similar)}? " : "";
        return $"unknown command '{e.Command}' ({hint}see dupr{parent} --help)";
    }
}
