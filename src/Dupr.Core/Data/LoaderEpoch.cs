using System.Runtime.ExceptionServices;

namespace Dupr.Core.Data;

/// <summary>
/// Worker threads building the batches of one epoch ahead of the consumer. Workers claim batch
/// numbers in order, at most <c>prefetch</c> beyond the consumer; the consumer takes them in order.
/// </summary>
sealed class LoaderEpoch<TBatch> : IDisposable where TBatch : class, IDisposable
{
    readonly Func<int, CancellationToken, TBatch> _build;
    readonly int _batchCount;
    readonly int _prefetch;
    readonly Thread[] _threads;
    readonly object _gate = new();
    readonly Dictionary<int, (TBatch? Batch, ExceptionDispatchInfo? Error)> _ready = new();
    readonly CancellationTokenSource _stop;
    readonly CancellationToken _consumerToken;
    readonly CancellationTokenRegistration _wake;
    int _nextToClaim;
    int _nextToTake;
    bool _stopping;

    public LoaderEpoch(int batchCount, int workers, int prefetch, Func<int, CancellationToken, TBatch> build, CancellationToken cancellation)
    {
        _batchCount = batchCount;
        _prefetch = prefetch;
        _build = build;
        _consumerToken = cancellation;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        _wake = cancellation.Register(WakeAll);
        _threads = new Thread[Math.Min(workers, Math.Max(1, batchCount))];
        for (int i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"dupr-loader-{i}" };
            _threads[i].Start();
        }
    }

    /// <summary>The next batch in order, or null at the end of the epoch; rethrows a worker's error at its batch.</summary>
    public TBatch? Next()
    {
        (TBatch? Batch, ExceptionDispatchInfo? Error) result;
        lock (_gate)
        {
            if (_nextToTake >= _batchCount) return null;
            while (!_ready.Remove(_nextToTake, out result))
            {
                _consumerToken.ThrowIfCancellationRequested();
                Monitor.Wait(_gate);
            }
            _nextToTake++;
            Monitor.PulseAll(_gate);
        }
        result.Error?.Throw();
        return result.Batch;
    }

    void Work()
    {
        while (true)
        {
            int batchIndex;
            lock (_gate)
            {
                while (!_stopping && _nextToClaim < _batchCount && _nextToClaim - _nextToTake >= _prefetch) Monitor.Wait(_gate);
                if (_stopping || _nextToClaim >= _batchCount) return;
                batchIndex = _nextToClaim++;
            }
            (TBatch?, ExceptionDispatchInfo?) result;
            try
            {
                result = (_build(batchIndex, _stop.Token), null);
            }
            catch (Exception e)
            {
                result = (default, ExceptionDispatchInfo.Capture(e));
            }
            lock (_gate)
            {
                if (_stopping)
                {
                    result.Item1?.Dispose();
                    return;
                }
                _ready[batchIndex] = result;
                // A failed batch ends the epoch: workers stop claiming more once the error is queued.
                if (result.Item2 != null) _nextToClaim = _batchCount;
                Monitor.PulseAll(_gate);
            }
        }
    }

    void WakeAll()
    {
        lock (_gate) Monitor.PulseAll(_gate);
    }

    /// <summary>Stops the workers, waits for them, and disposes batches nobody took.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping) return;
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
        _stop.Cancel();
        foreach (Thread thread in _threads) thread.Join();
        _wake.Dispose();
        _stop.Dispose();
        foreach (var (batch, _) in _ready.Values) batch?.Dispose();
        _ready.Clear();
    }
}
