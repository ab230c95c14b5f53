using Dupr.Core.Modeling;
using Dupr.Core.Ops;
using Dupr.Pretrain.Config;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using ResNet = Dupr.Core.Modeling.ResNet;

namespace Dupr.Pretrain.Model;

/// <summary>
/// One side of DUPR (query f_1 + g_1/h_1, or the momentum key side): a ResNet with trained BN
/// exposing conv2_x..conv5_x, an image head per level with alpha_m &gt; 0 and a patch head per level with beta_m &gt; 0.
/// </summary>
public sealed class DuprEncoder : nn.Module
{
    private readonly ResNet backbone;
    private readonly ModuleDict<ImageHead> image_heads;
    private readonly ModuleDict<PatchHead> patch_heads;

    /// <summary>Levels with an image-level loss term, finest first.</summary>
    public IReadOnlyList<string> ImageLevels { get; }

    /// <summary>Levels with a patch-level loss term, finest first.</summary>
    public IReadOnlyList<string> PatchLevels { get; }

    public DuprEncoder(string name, PretrainConfig config) : base(name)
    {
        var contrast = config.Contrast;
        var levels = ContrastSection.Levels;
        ImageLevels = levels.Where((_, m) => contrast.Alpha[m] > 0).ToList();
        PatchLevels = levels.Where((_, m) => contrast.Beta[m] > 0).ToList();
        var used = ImageLevels.Union(PatchLevels).OrderBy(l => ContrastSection.LevelIndex(l)).ToList();
        backbone = new ResNet(new ResNetConfig
        {
            Depth = config.Model.Depth, Width = config.Model.Width, Norm = NormKind.BN, FreezeAt = 0, OutFeatures = used,
        });
        image_heads = new ModuleDict<ImageHead>();
        foreach (string level in ImageLevels)
        {
            long channels = backbone.OutputShapes[level].Channels;
            image_heads.Add(level, new ImageHead($"image_{level}", channels, channels, contrast.Dim));
        }
        patch_heads = new ModuleDict<PatchHead>();
        foreach (string level in PatchLevels)
        {
            long channels = backbone.OutputShapes[level].Channels;
            patch_heads.Add(level, new PatchHead($"patch_{level}", channels, channels, contrast.Dim));
        }
        RegisterComponents();
    }

    /// <summary>The ResNet being pre-trained (torchvision key names; exported as backbone.pth).</summary>
    public ResNet Backbone => backbone;

    /// <summary>The feature maps of every level a loss uses.</summary>
    public OrderedDictionary<string, Tensor> Features(Tensor images) => backbone.forward(images);

    /// <summary>v^(m): the level's image embedding, [N, D].</summary>
    public Tensor ImageEmbedding(string level, Tensor features) => image_heads[level].forward(features);

    /// <summary>
    /// r^(m) (eq. 5-6): RoIAlign of <paramref name="rois"/> [K, 5] (image index, box in view pixels) to
    /// S x S, the pixel-wise MLP, then each flipped view's grid mirrored back so that position p is
    /// the same point of the original image in both views. Returns [K, S*S, D].
    /// </summary>
    public Tensor PatchEmbedding(string level, Tensor features, Tensor rois, int size, Tensor flipped)
    {
        using var scope = NewDisposeScope();
        double scale = 1.0 / backbone.OutputShapes[level].Stride;
        var regions = RoIAlign.Apply(features, rois, (size, size), scale, samplingRatio: 0, aligned: true);
        var embedded = patch_heads[level].forward(regions);                            // [K, D, S, S]
        var oriented = where(flipped.view(-1, 1, 1, 1), embedded.flip(3), embedded);
        return oriented.flatten(2).transpose(1, 2).MoveToOuterDisposeScope();           // [K, S*S, D]
    }
}
