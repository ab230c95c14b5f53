using Cocona.Filters;
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
            Console.Error.WriteLine($"dupr: error: {e.Message}");
            if (Log.Verbose && e.InnerException != null) Console.Error.WriteLine(e.InnerException);
            return 1;
        }
    }
}
