namespace Dupr.Cli.Tests;

/// <summary>Tests that redirect the process-wide console, or run Program.Main in process (it reports through the process-wide Environment.ExitCode), run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ConsoleCollection
{
    public const string Name = "console";
}

/// <summary>Runs an action with standard output captured.</summary>
public static class ConsoleCapture
{
    /// <summary>Everything <paramref name="action"/> writes to Console.Out.</summary>
    public static string Run(Action action)
    {
        var writer = new StringWriter();
        TextWriter previous = Console.Out;
        Console.SetOut(writer);
        try
        {
            action();
        }
        finally
        {
            Console.SetOut(previous);
        }
        return writer.ToString();
    }
}
