using Dupr.Pretrain.Config;
using Dupr.Pretrain.Geometry;
using Dupr.Pretrain.Model;
using TorchSharp;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Tests.Model;

public class DuprModelTests
{
    internal static PretrainConfig Tiny(double[]? alpha = null, double[]? beta = null) => new()
    {
        Model = new BackboneSection { Depth = 18, Width = 8 },
        Contrast = new ContrastSection
        {
            Alpha = [.. alpha ?? [0.1, 0.4, 0.7, 1.0]], Beta = [.. beta ?? [0, 0, 1, 1]], RoiSize = [8, 4, 4, 2],
            QueueSize = 64, Dim = 16, PatchKeysPerBatch = 8, ShuffleBnGroups = 2,
        },
    };

    internal static ViewPairBatch Batch(int n, bool overlap = true)
    {
        var frames1 = Enumerable.Range(0, n).Select(i => new ViewFrame(new Box(0, 0, 60, 60), 64, 64, Flipped: i % 2 == 0)).ToList();
        var frames2 = Enumerable.Range(0, n).Select(i => overlap
            ? new ViewFrame(new Box(20, 10, 90, 80), 64, 64, Flipped: i % 3 == 0)
            : new ViewFrame(new Box(60, 60, 100, 100), 64, 64, Flipped: false)).ToList();
        return new ViewPairBatch(randn(n, 3, 64, 64), randn(n, 3, 64, 64), frames1, frames2);
    }

    [Fact]
    public void ForwardGivesEveryTermAndGradientsOnlyOnTheQuerySide()
    {
        manual_seed(1);
        using var model = new DuprModel(Tiny());
        using var scope = NewDisposeScope();
        var output = model.Forward(Batch(4), new Random(0));
        Assert.Equal(["loss", "image_res2", "image_res3", "image_res4", "image_res5", "patch_res4", "patch_res5"], output.Terms.Names);
        Assert.All(output.Terms.Read(), t => Assert.True(double.IsFinite(t.Value) && t.Value > 0));
        Assert.Equal(output.Terms.Names.Skip(1), output.Accuracies.Names);
        Assert.Equal(0, output.PairsWithoutOverlap);
        Assert.Equal([4L, 16, 16], output.PatchKeys["res4"].shape); // 4 images, 4x4 positions, 16-d
        output.Loss.backward();
        Assert.All(model.QueryEncoder.parameters(), p => Assert.NotNull(p.grad));
        Assert.All(model.KeyEncoder.parameters(), p => Assert.False(p.requires_grad));
    }

    // Host reads of one pre-training step (momentum update, forward, backward, enqueue): a bound that fails when a change adds
    // reads to the step (on a GPU each read stalls the host). Four on the CPU: the box reads of the CPU RoIAlign kernel (query
    // and key rois of two patch levels); the logged values stay on the device (the training loop reads them at its log period).
    [Fact]
    public void ATrainingStepReadsFewValues()
    {
        manual_seed(2);
        using var model = new DuprModel(Tiny());
        using var scope = NewDisposeScope();
        var batch = Batch(4);
        long before = Core.Runtime.HostReads.OnThisThread;
        model.MomentumUpdate();
        var output = model.Forward(batch, new Random(0));
        output.Loss.backward();
        model.Enqueue([output], new Random(0));
        long reads = Core.Runtime.HostReads.OnThisThread - before;
        Assert.True(reads <= 4, $"{reads} host reads in a pre-training step, at most 4 allowed");
    }

    [Fact]
    public void MoCoV2ConfigHasOneImageTermAndNoPatchHead()
    {
        using var model = new DuprModel(Tiny([0, 0, 0, 1], [0, 0, 0, 0]));
        using var scope = NewDisposeScope();
        var output = model.Forward(Batch(4), new Random(0));
        Assert.Equal(["loss", "image_res5"], output.Terms.Names);
        Assert.DoesNotContain(model.state_dict().Keys, k => k.Contains("patch"));
    }

    // Table 7(c)'s patch-level-only recipe: no image term, so the loss lives on the patch terms' device, and a batch whose
    // views never overlap still gives a loss to call backward on.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void APatchOnlyRecipeTrainsWithAndWithoutOverlap(bool overlap)
    {
        manual_seed(3);
        using var model = new DuprModel(Tiny([0, 0, 0, 0], [0, 0, 0, 1]));
        using var scope = NewDisposeScope();
        var output = model.Forward(Batch(4, overlap), new Random(0));
        Assert.Equal(overlap ? ["loss", "patch_res5"] : ["loss"], output.Terms.Names);
        Assert.Equal(overlap, output.Terms.Read()[0].Value > 0);
        output.Loss.backward();
        Assert.All(model.QueryEncoder.named_parameters().Where(p => p.name.StartsWith("backbone")), p => Assert.NotNull(p.parameter.grad));
    }

    [Fact]
    public void ViewsWithoutOverlapSkipThePatchLoss()
    {
        using var model = new DuprModel(Tiny());
        using var scope = NewDisposeScope();
        var output = model.Forward(Batch(4, overlap: false), new Random(0));
        Assert.Equal(4, output.PairsWithoutOverlap);
        Assert.DoesNotContain(output.Terms.Names, name => name.StartsWith("patch"));
    }

    [Fact]
    public void MomentumUpdateMovesKeysTowardQueries()
    {
        using var model = new DuprModel(Tiny());
        var query = model.QueryEncoder.parameters().First();
        var key = model.KeyEncoder.parameters().First();
        Assert.True(query.allclose(key)); // the key encoder starts as a copy
        using (no_grad()) query.add_(S(1.0), One);
        var before = key.clone();
        model.MomentumUpdate();
        Assert.True((key - before).allclose(full_like(key, S(0.001)), rtol: 1e-3, atol: 1e-5)); // (1 - m) * 1
    }

    [Fact]
    public void EnqueueAdvancesEveryBank()
    {
        using var model = new DuprModel(Tiny());
        using var scope = NewDisposeScope();
        var output = model.Forward(Batch(4), new Random(0));
        model.Enqueue([output, output], new Random(0));
        Assert.Equal(8, model.Queue("image_res5").Pointer);  // every image key of both micro-batches
        Assert.Equal(8, model.Queue("patch_res4").Pointer);  // patch_keys_per_batch sampled positions
    }

    [Fact]
    public void FillQueuesReplacesEveryRandomKeyWithAKeyOfTheBatches()
    {
        // Banks of 64 keys and batches of 16 images: four batches fill every bank, image and patch alike; a fifth is not used.
        manual_seed(4);
        using var model = new DuprModel(Tiny());
        using var scope = NewDisposeScope();
        var initial = model.Queue("patch_res5").Keys.clone();
        int used = model.FillQueues(Enumerable.Range(0, 5).Select(_ => Batch(16)), new Random(0));
        Assert.Equal(4, used);
        foreach (string term in new[] { "image_res2", "image_res5", "patch_res4", "patch_res5" })
            Assert.Equal(0, model.Queue(term).Pointer); // written exactly once round
        var filled = model.Queue("patch_res5").Keys;
        Assert.True((filled - initial).abs().sum(1).gt(S(1e-6)).all().item<bool>(), "every patch key was replaced");
        Assert.True(filled.norm(1).allclose(ones(64), atol: 1e-5));
    }

    [Fact]
    public void FlippedViewPoolsTheSamePatchesAfterFlippingBack()
    {
        // A flipped view's feature map is the mirror of the unflipped one's; pooling the intersection
        // mapped into it and flipping the grid back must give the same patch embeddings, position by position.
        manual_seed(2);
        using var encoder = new DuprEncoder("e", Tiny());
        var features = randn(1, 32, 8, 8); // res4 of the tiny R-18: 32 channels, stride 16
        var crop = new Box(0, 0, 128, 128);
        var b = new Box(10, 20, 90, 100);
        var plain = ViewGeometry.ToView(b, new ViewFrame(crop, 128, 128, false));
        var mirrored = ViewGeometry.ToView(b, new ViewFrame(crop, 128, 128, true));
        Tensor Roi(Box box) => tensor(new float[] { 0, (float)box.X1, (float)box.Y1, (float)box.X2, (float)box.Y2 }).view(1, 5);
        var expected = encoder.PatchEmbedding("res4", features, Roi(plain), 4, tensor(new[] { false }));
        var actual = encoder.PatchEmbedding("res4", features.flip(3), Roi(mirrored), 4, tensor(new[] { true }));
        Assert.True(actual.allclose(expected, rtol: 1e-4, atol: 1e-5));
    }
}
