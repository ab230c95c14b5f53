using TorchSharp;

namespace Dupr.Core.Runtime;

/// <summary>Seeds TorchSharp's CPU and CUDA generators so runs repeat.</summary>
public static class Seeding
{
    /// <summary>Seeds every torch generator with <paramref name="seed"/>.</summary>
    public static void SeedAll(long seed)
    {
        torch.manual_seed(seed);
        if (torch.cuda.is_available()) torch.cuda.manual_seed_all(seed);
    }
}
