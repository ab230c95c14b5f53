using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dupr.Core.Modeling;

/// <summary>Builds ResNet stages (torchvision's layer1..layer4, detectron2's res2..res5).</summary>
public static class ResNetStage
{
    /// <summary>Output channels per unit of <c>planes</c> for <paramref name="block"/>.</summary>
    public static int Expansion(BlockKind block) => block == BlockKind.Basic ? BasicBlock.Expansion : Bottleneck.Expansion;

    /// <summary>
    /// A stage of <paramref name="blocks"/> blocks; the first takes <paramref name="inChannels"/> and the
    /// <paramref name="stride"/>. Also used on its own, e.g. for the res5 head of C4 detectors.
    /// </summary>
    public static Sequential Create(BlockKind block, long inChannels, long planes, int blocks, long stride, NormKind norm)
    {
        var stage = nn.Sequential();
        long outChannels = planes * Expansion(block);
        for (int i = 0; i < blocks; i++)
        {
            long blockIn = i == 0 ? inChannels : outChannels;
            long blockStride = i == 0 ? stride : 1;
            stage.append(block == BlockKind.Basic
                ? new BasicBlock(blockIn, planes, blockStride, norm)
                : new Bottleneck(blockIn, planes, blockStride, norm));
        }
        return stage;
    }

    /// <summary>torchvision's and detectron2's (c2_msra_fill) init of every convolution in <paramref name="module"/>; norms start as identity by default.</summary>
    public static void InitializeWeights(nn.Module module)
    {
        using var _ = no_grad();
        foreach (var (_, child) in module.named_modules())
            if (child is AutocastConv2d conv)
                nn.init.kaiming_normal_(conv.Weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
    }

    /// <summary>torchvision's downsample (strided 1x1 conv + norm) where the block changes shape, else null.</summary>
    internal static Sequential? Shortcut(long inChannels, long outChannels, long stride, NormKind norm) =>
        stride == 1 && inChannels == outChannels
            ? null
            : nn.Sequential(new AutocastConv2d(inChannels, outChannels, 1, stride: stride, bias: false), Norms.Create(norm, outChannels));
}
