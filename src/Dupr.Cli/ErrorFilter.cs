using Cocona.Filters;
using Dupr.Core.Distributed;
using Dupr.Core.Runtime;

namespace Dupr.Cli;

/// <summary>Turns user-facing errors into one line on stderr and exit code 1, instead of a stack trace.</summary>
public sealed class ErrorFilter : ICommandFilter
{
    public async ValueTask<int> OnCommandExecutionAsync(CoconaCommandExecutingContext ctx, CommandExecutionDelegate next)
    {
        try
        {
            return await next(ctx);
        }
        catch (DuprException e)
        {
            return Report(e.Message, e.InnerException);
        }
        // The file system's own errors (a read-only or full disk, a path through a file) are the environment's, not bugs;
        // their messages name the path. Writes the code knows about say more (AtomicFile).
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Report(e.Message, e);
        }
        // A stop signal that reached work without a step boundary to stop at (e.g. inference): nothing was finished.
        catch (OperationCanceledException e)
        {
            return Report("stopped by the stop signal before finishing", e);
        }
    }

    static int Report(string message, Exception? detail)
    {
        Console.Error.WriteLine(World.IsLaunched && Log.Rank is int rank ? $"dupr: error (rank {rank}): {message}" : $"dupr: error: {message}");
        if (Log.Verbose && detail != null) Console.Error.WriteLine(detail);
        // The other ranks may be waiting for this one in a collective: end them all.
        World.AbortAll(1);
        return 1;
    }
}
