using Dupr.Core.Modeling;
using Dupr.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dupr.Benchmarks.Performance;

/// <summary>How many images per second a ResNet-18 training step consumes: the yardstick a data loader must beat.</summary>
public static class TrainStepBenchmark
{
    /// <summary>
    /// Images, wall seconds and process CPU seconds of <paramref name="steps"/> steps of ResNet-18 with a 1000-class head
    /// (torchvision's resnet18 architecture and initialisation, built by Dupr, whose BN and SGD own their Scalars; train
    /// mode, forward + cross-entropy + backward + SGD) on random [batch, 3, size, size] inputs.
    /// </summary>
    public static (int Images, double Seconds, double CpuSeconds) Measure(int size, int batchSize, int steps, Device device)
    {
        using var model = new ResNet(new ResNetConfig { Depth = 18, Norm = NormKind.BN, FreezeAt = 0, NumClasses = 1000, OutFeatures = [ResNet.LogitsName] });
        model.to(device);
        model.train();
        using var optimizer = new Sgd(model.parameters(), 0.01, momentum: 0.9);
        Step(model, optimizer, size, batchSize, device);
        var clock = CpuClock.Start();
        for (int i = 0; i < steps; i++) Step(model, optimizer, size, batchSize, device);
        if (device.type == DeviceType.CUDA) cuda.synchronize(device);
        var (wall, cpu) = clock.Elapsed();
        return (steps * batchSize, wall, cpu);
    }

    static void Step(ResNet model, optim.Optimizer optimizer, int size, int batchSize, Device device)
    {
        using var scope = NewDisposeScope();
        Tensor images = randn([batchSize, 3, size, size], device: device);
        Tensor labels = randint(0, 1000, [batchSize], device: device);
        optimizer.zero_grad();
        Tensor loss = nn.functional.cross_entropy(model.forward(images)[ResNet.LogitsName], labels);
        loss.backward();
        optimizer.step();
    }
}
