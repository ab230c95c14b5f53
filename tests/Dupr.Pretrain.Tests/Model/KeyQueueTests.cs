using Dupr.Pretrain.Model;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Tests.Model;

public class KeyQueueTests
{
    [Fact]
    public void StartsWithUnitKeys()
    {
        using var queue = new KeyQueue("q", 16, 8);
        Assert.True(queue.Keys.norm(1).allclose(ones(16), rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void EnqueueWrapsAroundTheEnd()
    {
        using var queue = new KeyQueue("q", 5, 2);
        queue.Enqueue(full(3, 2, S(1f)));
        Assert.Equal(3, queue.Pointer);
        queue.Enqueue(full(3, 2, S(2f)));
        Assert.Equal(1, queue.Pointer);
        float[] firstColumn = queue.Keys.select(1, 0).data<float>().ToArray();
        Assert.Equal([2f, 1f, 1f, 2f, 2f], firstColumn);
    }

    [Fact]
    public void KeysAndPointerAreInTheStateDict()
    {
        using var queue = new KeyQueue("q", 4, 2);
        queue.Enqueue(ones(3, 2));
        var state = queue.state_dict();
        Assert.Equal(["queue", "queue_ptr"], state.Keys.Order());
        Assert.Equal(3, state["queue_ptr"].item<long>());
    }

    [Fact]
    public void TooManyKeysAreRejected()
    {
        using var queue = new KeyQueue("q", 4, 2);
        Assert.Throws<ArgumentException>(() => queue.Enqueue(zeros(5, 2)));
    }
}
