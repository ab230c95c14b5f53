using Dupr.Core.Checkpoints;
using Dupr.Core.Runtime;
using Dupr.Core.Tests.Modeling;
using Dupr.Tests;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Checkpoints;

public class StateDictFileTests
{
    public StateDictFileTests() => TorchRuntime.EnsureLoaded();

    private static Dictionary<string, Tensor> Sample() => new()
    {
        ["conv.weight"] = randn(4, 3, 3, 3),
        ["bn.num_batches_tracked"] = tensor(17L),
        ["half"] = randn(5, dtype: float16),
        ["ids"] = arange(S(0), S(6), S(1), dtype: int64).reshape(2, 3),
        ["strided"] = randn(3, 4).t(), // not contiguous
    };

    [Theory]
    [InlineData("weights.bin", CheckpointFormat.TorchSharp)]
    [InlineData("weights.pth", CheckpointFormat.PyTorch)]
    [InlineData("weights.safetensors", CheckpointFormat.Safetensors)]
    public void RoundTripsValuesDtypesAndShapes(string fileName, CheckpointFormat format)
    {
        using var temp = TestPaths.Temp();
        using var scope = NewDisposeScope();
        var sample = Sample();
        string path = temp.File(fileName);

        StateDictFile.Write(path, sample);
        using var read = StateDictFile.Read(path);

        Assert.Equal(format, CheckpointFormats.Detect(path));
        Assert.Equal(sample.Keys.Order(), read.Keys.Order());
        foreach (var (key, expected) in sample)
        {
            Assert.Equal(expected.dtype, read[key].dtype);
            Assert.Equal(expected.shape, read[key].shape);
            Assert.True(ModelingFixtures.Identical(read[key], expected), key);
        }
    }

    [Fact]
    public void TorchSharpFormatIsWhatModuleSaveAndLoadUse()
    {
        using var temp = TestPaths.Temp();
        using var model = ModelingFixtures.Create(18, width: 8);
        model.save(temp.File("module.dat"));
        using (var read = StateDictFile.Read(temp.File("module.dat")))
            Assert.Equal(model.state_dict().Keys, read.Keys);

        StateDictFile.Write(temp.File("ours.dat"), model.state_dict());
        using var other = ModelingFixtures.Create(18, width: 8);
        other.load(temp.File("ours.dat"));
        Assert.True(ModelingFixtures.Identical(other.state_dict()["layer3.1.conv2.weight"], model.state_dict()["layer3.1.conv2.weight"]));
    }

    [Fact]
    public void AFailedWriteLeavesTheOldFileIntact()
    {
        using var temp = TestPaths.Temp();
        using var scope = NewDisposeScope();
        string path = temp.File("weights.safetensors");
        StateDictFile.Write(path, new Dictionary<string, Tensor> { ["a"] = ones(3) });
        byte[] before = File.ReadAllBytes(path);

        // safetensors has no complex dtype: the writer fails after the temporary file was opened.
        var error = Assert.Throws<DuprException>(() =>
            StateDictFile.Write(path, new Dictionary<string, Tensor> { ["a"] = zeros(3), ["b"] = zeros(3, dtype: complex64) }));

        Assert.Contains("cannot write", error.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(new[] { "weights.safetensors" }, Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void UnreadableFilesAreUserErrorsThatSayWhy()
    {
        using var temp = TestPaths.Temp();
        File.WriteAllBytes(temp.File("legacy.pth"), [0x80, 0x02, 0x8a, 0x0a]);
        File.WriteAllBytes(temp.File("garbage.bin"), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

        Assert.Contains("legacy torch.save format", Assert.Throws<DuprException>(() => StateDictFile.Read(temp.File("legacy.pth"))).Message);
        Assert.Contains("cannot read", Assert.Throws<DuprException>(() => StateDictFile.Read(temp.File("garbage.bin"))).Message);
        Assert.Contains("not found", Assert.Throws<DuprException>(() => StateDictFile.Read(temp.File("missing.pth"))).Message);
    }
}
