using Dupr.Pretrain.Model;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Tests.Model;

public class KeyQueueTests
{
    [Fact]
    public void StartsWithUnitKeys()
    {
        using var queue = new KeyQueue(16, 8, CPU);
        Assert.True(queue.Keys.norm(1).allclose(ones(16), rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void EnqueueWrapsAroundTheEnd()
    {
        using var queue = new KeyQueue(5, 2, CPU);
        queue.Enqueue(full(3, 2, 1f));
        Assert.Equal(3, queue.Pointer);
        queue.Enqueue(full(3, 2, 2f));
        Assert.Equal(1, queue.Pointer);
        float[] firstColumn = queue.Keys.select(1, 0).data<float>().ToArray();
        Assert.Equal([2f, 1f, 1f, 2f, 2f], firstColumn);
    }

    [Fact]
    public void TooManyKeysAreRejected()
    {
        using var queue = new KeyQueue(4, 2, CPU);
        Assert.Throws<ArgumentException>(() => queue.Enqueue(zeros(5, 2)));
    }
}
