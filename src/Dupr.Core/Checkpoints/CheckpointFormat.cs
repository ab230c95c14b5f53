namespace Dupr.Core.Checkpoints;

/// <summary>A file format for state dicts.</summary>
public enum CheckpointFormat
{
    /// <summary>TorchSharp's own format (Module.save / Module.load).</summary>
    TorchSharp,

    /// <summary>PyTorch's zip-based torch.save format (.pth, .pt, .pth.tar).</summary>
    PyTorch,

    /// <summary>Hugging Face safetensors.</summary>
    Safetensors,
}
