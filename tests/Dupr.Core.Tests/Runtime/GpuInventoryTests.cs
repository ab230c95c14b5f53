using Dupr.Core.Runtime;

namespace Dupr.Core.Tests.Runtime;

/// <summary>`dupr env`'s GPU rows from nvidia-smi's CSV, and what --device auto says it chose.</summary>
public class GpuInventoryTests
{
    [Fact]
    public void EachGpuOfNvidiaSmisCsvBecomesARowWithItsNameMemoryAndDriver()
    {
        const string csv = "0, NVIDIA H100 80GB HBM3, 81559 MiB, 580.65.06\n1, NVIDIA H200, 143771 MiB, 580.65.06\n";
        Assert.Equal([("gpu 0", "NVIDIA H100 80GB HBM3, 81559 MiB, driver 580.65.06"), ("gpu 1", "NVIDIA H200, 143771 MiB, driver 580.65.06")],
                     GpuInventory.Parse(csv));
        Assert.Equal([("gpus", "nvidia-smi lists none")], GpuInventory.Parse("No devices were found\n"));
    }

    [Fact]
    public void CudaVersionsReadAsMajorDotMinor()
    {
        Assert.Equal("12.8", CudaVersions.Format(12080));
        Assert.Equal("13.0", CudaVersions.Format(13000));
        Assert.Equal("11.0", CudaVersions.Format(11000));
    }

    [Fact]
    public void DeviceAutoWithoutCudaSaysWhy()
    {
        TorchRuntime.EnsureLoaded();
        Assert.StartsWith("cpu (no CUDA: this build uses the cpu backend", DeviceSpec.AutoChoice(cudaAvailable: false, localRank: 0));
    }
}
