using Dupr.Pretrain.Config;
using Dupr.Pretrain.Geometry;
using Dupr.Pretrain.Losses;
using TorchSharp;
using TorchSharp.Modules;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Model;

/// <summary>
/// DUPR in the MoCo framework (paper section 3, Fig. 3): a query encoder trained by SGD, a momentum key
/// encoder, and one memory bank per loss term. MoCo v2 is the special case alpha = (0,0,0,1), beta = 0.
/// </summary>
public sealed class DuprModel : nn.Module
{
    private readonly DuprEncoder encoder_q;
    private readonly DuprEncoder encoder_k;
    private readonly ModuleDict<KeyQueue> queues;
    private readonly ContrastSection contrast;

    public DuprModel(PretrainConfig config) : base("DuprModel")
    {
        Validate(config.Contrast);
        contrast = config.Contrast;
        encoder_q = new DuprEncoder("encoder_q", config);
        encoder_k = new DuprEncoder("encoder_k", config);
        queues = new ModuleDict<KeyQueue>();
        foreach (string level in encoder_q.ImageLevels) queues.Add(ImageTerm(level), new KeyQueue(ImageTerm(level), contrast.QueueSize, contrast.Dim));
        foreach (string level in encoder_q.PatchLevels) queues.Add(PatchTerm(level), new KeyQueue(PatchTerm(level), contrast.QueueSize, contrast.Dim));
        RegisterComponents();

        // The key encoder starts as a copy of the query encoder and is never trained by SGD.
        using var noGrad = no_grad();
        var keyParameters = encoder_k.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in encoder_q.named_parameters())
        {
            keyParameters[name].copy_(parameter);
            keyParameters[name].requires_grad = false;
        }
    }

    /// <summary>The query encoder: what is trained and exported.</summary>
    public DuprEncoder QueryEncoder => encoder_q;

    /// <summary>The momentum encoder.</summary>
    public DuprEncoder KeyEncoder => encoder_k;

    /// <summary>Parameters SGD updates (the query side only).</summary>
    public IEnumerable<Parameter> TrainableParameters() => encoder_q.parameters();

    /// <summary>The memory bank of a loss term (e.g. "image_res5").</summary>
    public KeyQueue Queue(string term) => queues[term];

    public static string ImageTerm(string level) => $"image_{level}";
    public static string PatchTerm(string level) => $"patch_{level}";

    /// <summary>theta_k = m theta_k + (1 - m) theta_q, for parameters (BN statistics stay the key encoder's own, as in MoCo).</summary>
    public void MomentumUpdate()
    {
        using var noGrad = no_grad();
        var query = encoder_q.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, key) in encoder_k.named_parameters())
            key.mul_(S(contrast.Momentum)).add_(query[name], alpha: S(1 - contrast.Momentum));
    }

    /// <summary>
    /// Eq. 2 on one batch. Call inside a dispose scope; <paramref name="rng"/> drives the shuffle-BN
    /// permutation so that a resumed run repeats it.
    /// </summary>
    public DuprOutput Forward(ViewPairBatch batch, Random rng)
    {
        int n = (int)batch.Queries.shape[0];
        var regions = IntersectionRois(batch, batch.Queries.device);
        var (imageKeys, patchKeys) = KeyEmbeddings(batch, regions, rng);
        var queryFeatures = QueryFeatures(batch.Queries);

        var terms = new List<(string, double)>();
        var accuracies = new List<(string, double)>();
        Tensor loss = zeros(1, device: batch.Queries.device).squeeze();

        foreach (string level in encoder_q.ImageLevels)
        {
            var q = encoder_q.ImageEmbedding(level, queryFeatures[level]);
            var (perImage, correct) = InfoNce.PerQuery(q, imageKeys[level], queues[ImageTerm(level)].Keys.detach(), contrast.Temperature);
            var term = perImage.mean(); // eq. 8, averaged over the batch
            loss = loss.add(term.mul(S(contrast.Alpha[ContrastSection.LevelIndex(level)])), One);
            terms.Add((ImageTerm(level), term.item<float>()));
            accuracies.Add((ImageTerm(level), correct.mean().item<float>()));
        }

        if (regions.QueryRois is not null)
        {
            foreach (string level in encoder_q.PatchLevels)
            {
                var q = encoder_q.PatchEmbedding(level, queryFeatures[level], regions.QueryRois, RoiSize(level), regions.QueryFlips!);
                var k = contrast.ShufflePatchPositives ? ShufflePositions(patchKeys[level], rng) : patchKeys[level];
                var (perPosition, correct) = InfoNce.PerQuery(q, k, queues[PatchTerm(level)].Keys.detach(), contrast.Temperature);
                var term = InfoNce.PatchLoss(perPosition, contrast.PatchLossSum);
                // Images without overlap contribute nothing; average over all images of the batch.
                var weighted = term.mul(S((double)(n - regions.Skipped) / n));
                loss = loss.add(weighted.mul(S(contrast.Beta[ContrastSection.LevelIndex(level)])), One);
                terms.Add((PatchTerm(level), term.item<float>()));
                accuracies.Add((PatchTerm(level), correct.mean().item<float>()));
            }
        }
        return new DuprOutput(loss, terms, accuracies, imageKeys, patchKeys, regions.Skipped);
    }

    /// <summary>Pushes this step's keys: every image key, and <see cref="ContrastSection.PatchKeysPerBatch"/> sampled patch keys per level.</summary>
    public void Enqueue(IReadOnlyList<DuprOutput> outputs, Random rng) =>
        Enqueue(outputs.Select(o => o.ImageKeys).ToList(), outputs.Select(o => o.PatchKeys).ToList(), contrast.PatchKeysPerBatch, rng);

    /// <summary>
    /// Replaces MoCo's random initial keys with keys of real views (<see cref="ContrastSection.FillQueuesAtStart"/>): the
    /// key encoder embeds <paramref name="batches"/>, no training, until every bank is full. Each batch gives every
    /// bank as many keys as it has images (patch keys sampled over positions), so the banks fill after K / batch size
    /// batches; returns how many batches it used.
    /// </summary>
    /// <remarks>
    /// Random unit vectors are easy negatives: until real keys replace them, every query is pulled toward its key with
    /// nothing pushing back, and all queries move toward the key encoder's common direction. The loss then starts
    /// artificially low and climbs as the bank fills, which hides the first iterations of learning.
    /// </remarks>
    public int FillQueues(IEnumerable<ViewPairBatch> batches, Random rng)
    {
        int used = 0;
        long filled = 0;
        foreach (var batch in batches)
        {
            if (filled >= contrast.QueueSize) break;
            using var scope = NewDisposeScope();
            int n = (int)batch.Keys.shape[0];
            var (image, patch) = KeyEmbeddings(batch, IntersectionRois(batch, batch.Keys.device), rng);
            Enqueue([image], [patch], n, rng);
            filled += n;
            used++;
        }
        return used;
    }

    private void Enqueue(IReadOnlyList<IReadOnlyDictionary<string, Tensor>> imageKeys, IReadOnlyList<IReadOnlyDictionary<string, Tensor>> patchKeys,
                         int patchCount, Random rng)
    {
        using var scope = NewDisposeScope();
        foreach (string level in encoder_q.ImageLevels)
            queues[ImageTerm(level)].Enqueue(cat(imageKeys.Select(k => k[level]).ToList(), 0));
        foreach (string level in encoder_q.PatchLevels)
        {
            var all = patchKeys.Where(k => k.ContainsKey(level)).Select(k => k[level].flatten(0, 1)).ToList();
            if (all.Count == 0) continue;
            var keys = cat(all, 0);
            int count = (int)Math.Min(Math.Min(patchCount, keys.shape[0]), contrast.QueueSize);
            long[] picks = SampleWithoutReplacement(rng, (int)keys.shape[0], count);
            queues[PatchTerm(level)].Enqueue(keys.index_select(0, tensor(picks, device: keys.device)));
        }
    }

    // The key side of a batch, without gradient: image keys per image level [N, D] and, where the views overlap,
    // patch keys per patch level [K, S*S, D].
    private (Dictionary<string, Tensor> Image, Dictionary<string, Tensor> Patch) KeyEmbeddings(ViewPairBatch batch, PairRois regions, Random rng)
    {
        using var noGrad = no_grad();
        var features = KeyFeatures(batch.Keys, rng);
        var image = encoder_k.ImageLevels.ToDictionary(level => level, level => encoder_k.ImageEmbedding(level, features[level]));
        var patch = regions.KeyRois is null
            ? []
            : encoder_k.PatchLevels.ToDictionary(level => level,
                level => encoder_k.PatchEmbedding(level, features[level], regions.KeyRois, RoiSize(level), regions.KeyFlips!));
        return (image, patch);
    }

    private int RoiSize(string level) => contrast.RoiSize[ContrastSection.LevelIndex(level)];

    /// <summary>
    /// The query encoder's feature maps, computed in <see cref="ContrastSection.ShuffleBnGroups"/> consecutive sub-batches
    /// with their own BN statistics, as each of the paper's GPUs normalised its own queries.
    /// </summary>
    /// <remarks>
    /// With one BN over the whole batch, every key's sub-batch would lie inside its query's BN batch, a closer link
    /// through batch statistics than the paper's GPUs had (MoCo's single-GPU demo splits both encoders the same way).
    /// </remarks>
    public OrderedDictionary<string, Tensor> QueryFeatures(Tensor images) => FeaturesInGroups(encoder_q, images);

    /// <summary>
    /// MoCo's shuffle-BN on one device: the key batch is permuted, run through the key encoder in sub-batches with their
    /// own BN statistics, then un-permuted, so a key's BN statistics mix images whose queries sit in other sub-batches.
    /// <paramref name="rng"/> drives the permutation (a resumed run repeats it).
    /// </summary>
    public OrderedDictionary<string, Tensor> KeyFeatures(Tensor images, Random rng)
    {
        int n = (int)images.shape[0];
        long[] permutation = SampleWithoutReplacement(rng, n, n);
        long[] inverse = new long[n];
        for (int i = 0; i < n; i++) inverse[permutation[i]] = i;
        var features = FeaturesInGroups(encoder_k, images.index_select(0, tensor(permutation, device: images.device)));
        var unshuffle = tensor(inverse, device: images.device);
        var result = new OrderedDictionary<string, Tensor>();
        foreach (var (level, map) in features) result[level] = map.index_select(0, unshuffle);
        return result;
    }

    private OrderedDictionary<string, Tensor> FeaturesInGroups(DuprEncoder encoder, Tensor images)
    {
        int groups = Math.Max(1, Math.Min(contrast.ShuffleBnGroups, (int)images.shape[0] / 2)); // BN needs 2+ images per group
        if (groups == 1) return encoder.Features(images);
        var parts = images.chunk(groups).Select(encoder.Features).ToList();
        var result = new OrderedDictionary<string, Tensor>();
        foreach (string level in parts[0].Keys) result[level] = cat(parts.Select(p => p[level]).ToList(), 0);
        return result;
    }

    // The views' intersection box (eq. 4) in each view's pixels, as RoIAlign rows [K, 5], and each view's flip; images
    // whose views do not overlap are left out and counted.
    private sealed record PairRois(Tensor? QueryRois, Tensor? KeyRois, Tensor? QueryFlips, Tensor? KeyFlips, int Skipped);

    private PairRois IntersectionRois(ViewPairBatch batch, Device device)
    {
        var queryRows = new List<float>();
        var keyRows = new List<float>();
        var queryFlips = new List<bool>();
        var keyFlips = new List<bool>();
        int skipped = 0;
        for (int i = 0; i < batch.QueryFrames.Count; i++)
        {
            ViewFrame qf = batch.QueryFrames[i], kf = batch.KeyFrames[i];
            if (ViewGeometry.Intersection(qf.Crop, kf.Crop) is not Box b)
            {
                skipped++;
                continue;
            }
            Box qb = ViewGeometry.ToView(b, qf), kb = ViewGeometry.ToView(b, kf);
            queryRows.AddRange([i, (float)qb.X1, (float)qb.Y1, (float)qb.X2, (float)qb.Y2]);
            keyRows.AddRange([i, (float)kb.X1, (float)kb.Y1, (float)kb.X2, (float)kb.Y2]);
            queryFlips.Add(qf.Flipped);
            keyFlips.Add(kf.Flipped);
        }
        if (queryFlips.Count == 0) return new PairRois(null, null, null, null, skipped);
        return new PairRois(tensor(queryRows.ToArray(), device: device).view(-1, 5), tensor(keyRows.ToArray(), device: device).view(-1, 5),
            tensor(queryFlips.ToArray(), device: device), tensor(keyFlips.ToArray(), device: device), skipped);
    }

    // The planted fault of ContrastSection.ShufflePatchPositives: keys [K, S*S, D] with their positions shuffled.
    private static Tensor ShufflePositions(Tensor keys, Random rng) =>
        keys.index_select(1, tensor(SampleWithoutReplacement(rng, (int)keys.shape[1], (int)keys.shape[1]), device: keys.device));

    private static long[] SampleWithoutReplacement(Random rng, int population, int count)
    {
        long[] items = Enumerable.Range(0, population).Select(i => (long)i).ToArray();
        for (int i = 0; i < count; i++)
        {
            int j = i + rng.Next(population - i);
            (items[i], items[j]) = (items[j], items[i]);
        }
        return items[..count];
    }

    private static void Validate(ContrastSection contrast)
    {
        if (contrast.Alpha.Count != 4 || contrast.Beta.Count != 4 || contrast.RoiSize.Count != 4)
            throw new Core.Runtime.DuprException("contrast.alpha, contrast.beta and contrast.roi_size need 4 values each (conv2_x..conv5_x)");
        if (contrast.Alpha.Concat(contrast.Beta).Any(w => w < 0) || contrast.Alpha.Concat(contrast.Beta).All(w => w == 0))
            throw new Core.Runtime.DuprException("contrast.alpha and contrast.beta must be non-negative with at least one positive weight");
        for (int m = 0; m < 4; m++)
            if (contrast.Beta[m] > 0 && contrast.RoiSize[m] < 1)
                throw new Core.Runtime.DuprException($"contrast.roi_size[{m}] must be at least 1 where beta > 0, got {contrast.RoiSize[m]}");
        if (contrast.Temperature <= 0) throw new Core.Runtime.DuprException($"contrast.temperature must be positive, got {contrast.Temperature}");
        if (contrast.Momentum is < 0 or >= 1) throw new Core.Runtime.DuprException($"contrast.momentum must be in [0, 1), got {contrast.Momentum}");
        if (contrast.QueueSize < 1 || contrast.Dim < 1) throw new Core.Runtime.DuprException("contrast.queue_size and contrast.dim must be positive");
    }
}
