using System.Runtime.ExceptionServices;

namespace Dupr.Core.Runtime;

/// <summary>Parallel.For that rethrows a failing iteration's own exception rather than an AggregateException, so user errors stay one line.</summary>
public static class ParallelLoop
{
    /// <summary>Runs <paramref name="body"/> for <paramref name="from"/>..<paramref name="to"/> (exclusive) on all allowed cores.</summary>
    public static void For(int from, int to, ParallelOptions options, Action<int> body)
    {
        try
        {
            Parallel.For(from, to, options, body);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    /// <summary>Runs <paramref name="body"/> with per-worker state from <paramref name="init"/>.</summary>
    public static void For<TLocal>(int from, int to, ParallelOptions options, Func<TLocal> init, Action<int, TLocal> body)
    {
        try
        {
            Parallel.For(from, to, options, init, (i, _, local) => { body(i, local); return local; }, _ => { });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }
}
