using Dupr.Core.Modeling;
using Dupr.Core.Ops;
using Dupr.Detection.Config;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling.RoiHeads;

/// <summary>
/// detectron2's StandardROIHeads on a feature pyramid: boxes pooled from P2..P5 by size (canonical 224 px box on P4),
/// a <see cref="FastRcnnConvFcHead"/> and <see cref="FastRcnnOutputLayers"/>; with masks, a separate pooler and a
/// <see cref="MaskRcnnConvUpsampleHead"/> on the foreground proposals (training) or the detected boxes (inference).
/// </summary>
public sealed class StandardRoiHeads : RoiHeadsBase
{
    // detectron2's attribute names: keys roi_heads.box_head.*, roi_heads.box_predictor.*, roi_heads.mask_head.*.
    private readonly RoIPooler box_pooler;
    private readonly FastRcnnConvFcHead box_head;
    private readonly FastRcnnOutputLayers box_predictor;
    private readonly RoIPooler? mask_pooler;
    private readonly MaskRcnnConvUpsampleHead? mask_head;
    private readonly string[] inFeatures;

    /// <summary>Heads on the pyramid levels roi_heads.in_features of <paramref name="levels"/>; a mask head when <paramref name="masks"/>.</summary>
    public StandardRoiHeads(DetectionConfig config, IReadOnlyDictionary<string, FeatureSpec> levels, bool masks) : base(nameof(StandardRoiHeads), config.RoiHeads)
    {
        var roi = config.RoiHeads;
        inFeatures = [.. roi.InFeatures];
        var scales = inFeatures.Select(f => 1.0 / levels[f].Stride).ToList();
        long channels = levels[inFeatures[0]].Channels;
        box_pooler = new RoIPooler((roi.PoolerResolution, roi.PoolerResolution), scales, roi.PoolerSamplingRatio, roi.PoolerAligned);
        box_head = new FastRcnnConvFcHead(config.BoxHead, channels, roi.PoolerResolution);
        box_predictor = new FastRcnnOutputLayers(roi, box_head.OutputSize);
        if (masks)
        {
            var mask = config.MaskHead;
            mask_pooler = new RoIPooler((mask.PoolerResolution, mask.PoolerResolution), scales, mask.PoolerSamplingRatio, mask.PoolerAligned);
            mask_head = new MaskRcnnConvUpsampleHead(mask, channels, roi.NumClasses);
        }
        RegisterComponents();
    }

    /// <summary>The pyramid levels the heads read, finest first.</summary>
    public IReadOnlyList<string> InFeatures => inFeatures;

    /// <summary>The box pooler (level of a box: floor(4 + log2(sqrt(area) / 224)), clamped to the levels).</summary>
    public RoIPooler BoxPooler => box_pooler;

    protected override FastRcnnOutputLayers BoxPredictor => box_predictor;

    protected override MaskRcnnConvUpsampleHead? MaskHead => mask_head;

    protected override Tensor PoolBoxes(IReadOnlyDictionary<string, Tensor> features, IReadOnlyList<Tensor> boxes) => box_pooler.call(Levels(features), boxes);

    protected override Tensor BoxHead(Tensor pooled) => box_head.call(pooled);

    protected override Tensor MaskInput(IReadOnlyDictionary<string, Tensor> features, IReadOnlyList<Tensor> boxes) => mask_pooler!.call(Levels(features), boxes);

    private List<Tensor> Levels(IReadOnlyDictionary<string, Tensor> features) => inFeatures.Select(f => features[f]).ToList();
}
