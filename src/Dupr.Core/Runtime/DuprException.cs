namespace Dupr.Core.Runtime;

/// <summary>An error caused by the user's input or environment; the CLI prints its message as one line.</summary>
public class DuprException : Exception
{
    public DuprException(string message) : base(message) { }
    public DuprException(string message, Exception inner) : base(message, inner) { }
}
