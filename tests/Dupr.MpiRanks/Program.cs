using Dupr.Core.Checkpoints;
using Dupr.Core.Distributed;
using Dupr.Core.Modeling;
using Dupr.Core.Runtime;
using Dupr.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dupr.MpiRanks;

/// <summary>
/// `Dupr.MpiRanks syncbn BN|SyncBN OUT`: three SGD steps of a ResNet (res2..res3, width 8) on a fixed global batch of 8
/// images, each rank on its share, gradients averaged over the ranks; rank 0 writes the weights and BN statistics to OUT
/// (a state dict). One process with BN and 2 ranks with SyncBN must write the same numbers.
/// </summary>
public static class Program
{
    const int GlobalBatch = 8, Steps = 3;

    public static int Main(string[] args)
    {
        if (args.Length != 3 || args[0] != "syncbn" || !Enum.TryParse(args[1], out NormKind norm))
        {
            Console.Error.WriteLine("usage: Dupr.MpiRanks syncbn BN|SyncBN OUT");
            return 2;
        }
        var world = World.Current;
        TorchRuntime.EnsureLoaded();
        set_num_threads(1);
        Seeding.SeedAll(0);
        using var model = new ResNet(new ResNetConfig { Depth = 18, Width = 8, Norm = norm, FreezeAt = 0, OutFeatures = ["res3"] });
        model.train();
        using var optimizer = new Sgd(model.parameters(), 0.1, momentum: 0.9);
        var gradients = new GradientAverager(world, model.parameters());
        int perRank = GlobalBatch / world.Size;
        var images = randn([GlobalBatch, 3, 32, 32], generator: new Generator(1)).narrow(0, world.Rank * perRank, perRank);
        for (int step = 0; step < Steps; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            // A loss that is a mean over the images: the mean of the ranks' losses is the whole batch's.
            var features = model.forward(images)["res3"];
            features.sub(Scalars.S(0.5)).pow(Scalars.S(2)).mean().backward();
            gradients.Average();
            optimizer.step();
        }
        if (world.IsMain) StateDictFile.Write(args[2], model.state_dict(), CheckpointFormat.TorchSharp);
        return 0;
    }
}
