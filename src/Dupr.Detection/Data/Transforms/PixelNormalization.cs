using Dupr.Core.Imaging;
using static TorchSharp.torch;

namespace Dupr.Detection.Data.Transforms;

/// <summary>Channel order a model's weights expect.</summary>
public enum ChannelOrder
{
    /// <summary>Red, green, blue (torchvision and most PyTorch weights).</summary>
    Rgb,

    /// <summary>Blue, green, red (detectron2's MSRA/Caffe2 weights).</summary>
    Bgr,
}

/// <summary>Turns a uint8 RGB image into the model's input: channel order, then (x - mean) / std in 0-255 units (detectron2's convention).</summary>
public sealed record PixelNormalization(IReadOnlyList<float> Mean, IReadOnlyList<float> Std, ChannelOrder Order)
{
    /// <summary>detectron2's MSRA (Caffe2) ResNet weights: BGR, pixel means subtracted, std 1.</summary>
    public static PixelNormalization Detectron2Msra { get; } = new([103.530f, 116.280f, 123.675f], [1f, 1f, 1f], ChannelOrder.Bgr);

    /// <summary>torchvision / PyTorch ImageNet weights (and MoCo/DUPR backbones): RGB, ImageNet mean and std.</summary>
    public static PixelNormalization Torchvision { get; } = new([123.675f, 116.280f, 103.530f], [58.395f, 57.120f, 57.375f], ChannelOrder.Rgb);

    /// <summary>The float [3, H, W] (or [N, 3, H, W]) model input for <paramref name="image"/> (uint8 or float in 0-255, RGB); mean and std are in the target order.</summary>
    public Tensor Apply(Tensor image)
    {
        using var scope = NewDisposeScope();
        Tensor x = image.to_type(ScalarType.Float32);
        if (Order == ChannelOrder.Bgr) x = ImageTensor.SwapRgbBgr(x);
        return ImageTensor.Normalize(x, [.. Mean], [.. Std]).MoveToOuterDisposeScope();
    }
}
