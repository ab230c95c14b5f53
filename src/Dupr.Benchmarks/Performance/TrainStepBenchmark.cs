using TorchSharp;
using static TorchSharp.torch;

namespace Dupr.Benchmarks.Performance;

/// <summary>How many images per second a ResNet-18 training step consumes: the yardstick a data loader must beat.</summary>
public static class TrainStepBenchmark
{
    /// <summary>Images, wall seconds and process CPU seconds of <paramref name="steps"/> steps of torchvision's resnet18 (train mode, forward + cross-entropy + backward + SGD) on random [batch, 3, size, size] inputs.</summary>
    public static (int Images, double Seconds, double CpuSeconds) Measure(int size, int batchSize, int steps, Device device)
    {
        using var model = torchvision.models.resnet18(num_classes: 1000, skipfc: false, device: device);
        model.train();
        using var optimizer = optim.SGD(model.parameters(), 0.01, momentum: 0.9);
        Step(model, optimizer, size, batchSize, device);
        var clock = CpuClock.Start();
        for (int i = 0; i < steps; i++) Step(model, optimizer, size, batchSize, device);
        if (device.type == DeviceType.CUDA) cuda.synchronize(device);
        var (wall, cpu) = clock.Elapsed();
        return (steps * batchSize, wall, cpu);
    }

    static void Step(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, int size, int batchSize, Device device)
    {
        using var scope = NewDisposeScope();
        Tensor images = randn([batchSize, 3, size, size], device: device);
        Tensor labels = randint(0, 1000, [batchSize], device: device);
        optimizer.zero_grad();
        Tensor loss = nn.functional.cross_entropy(model.forward(images), labels);
        loss.backward();
        optimizer.step();
    }
}
