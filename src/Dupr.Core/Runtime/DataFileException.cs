namespace Dupr.Core.Runtime;

/// <summary>A data file (an image, an annotation file) that is missing, truncated or not in the expected format.</summary>
/// <remarks>Loaders may skip samples that fail with this exception (the skip-bad policy); other exceptions always stop the run.</remarks>
public class DataFileException : DuprException
{
    /// <summary>The file at fault, as given to the reader.</summary>
    public string FilePath { get; }

    /// <summary>The problem, without the file name (the message is "path: problem").</summary>
    public string Problem { get; }

    public DataFileException(string filePath, string problem) : base($"{filePath}: {problem}")
    {
        FilePath = filePath;
        Problem = problem;
    }

    public DataFileException(string filePath, string problem, Exception inner) : base($"{filePath}: {problem}", inner)
    {
        FilePath = filePath;
        Problem = problem;
    }
}
