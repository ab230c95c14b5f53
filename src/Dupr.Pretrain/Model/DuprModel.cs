using Dupr.Pretrain.Config;
using Dupr.Pretrain.Geometry;
using Dupr.Pretrain.Losses;
using TorchSharp;
using Dupr.Core.Distributed;
using Dupr.Core.Training;
using TorchSharp.Modules;
using Dupr.Core.Runtime;
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
    private readonly World world;

    /// <summary>
    /// The model of <paramref name="config"/>; in a <paramref name="world"/> of several ranks each rank runs this replica on its
    /// share of the batch, and shuffle-BN and the banks span all ranks (as on the paper's 8 GPUs).
    /// </summary>
    public DuprModel(PretrainConfig config, World? world = null) : base("DuprModel")
    {
        Validate(config.Contrast);
        contrast = config.Contrast;
        this.world = world ?? World.Single;
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

    /// <summary>The loss terms a step can report: image terms, then patch terms.</summary>
    public IReadOnlyList<string> TermNames => [.. encoder_q.ImageLevels.Select(ImageTerm), .. encoder_q.PatchLevels.Select(PatchTerm)];

    /// <summary>
    /// One number per query-encoder parameter and per bank (keys and write pointer): what must agree, bit for bit, across
    /// the ranks of a data-parallel run.
    /// </summary>
    public double[] ReplicaChecksums()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var parameters = encoder_q.parameters().Select(p => p.to(ScalarType.Float64).sum().ReadItem<double>());
        var banks = queues.values().SelectMany(q => (double[])[q.Keys.to(ScalarType.Float64).sum().ReadItem<double>(), q.Pointer]);
        return [.. parameters, .. banks];
    }

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
        var keys = KeyEmbeddings(batch, regions, rng);
        var queryFeatures = QueryFeatures(batch.Queries);

        var imageQueries = encoder_q.ImageLevels.ToDictionary(level => level, level => encoder_q.ImageEmbedding(level, queryFeatures[level]));
        var patchQueries = regions.QueryRois is null
            ? null
            : encoder_q.PatchLevels.ToDictionary(level => level,
                level => encoder_q.PatchEmbedding(level, queryFeatures[level], regions.QueryRois, RoiSize(level), regions.QueryFlips!));
        var (loss, terms, accuracies) = ContrastLoss(imageQueries, keys.OwnImage, patchQueries, keys.OwnPatch, n, regions.Skipped,
            batch.Queries.device, rng);
        // A patch-only recipe (Table 7c) on a batch whose views never overlap has no term: a zero tied to the query encoder
        // keeps its backward (and the ranks' gradient all-reduce) the same as any other step's.
        if (imageQueries.Count == 0 && patchQueries is null) loss = loss.add(queryFeatures.Values.Last().sum().mul(S(0)), One);
        return new DuprOutput(loss, terms, accuracies, keys.AllImage, keys.AllPatch, regions.Skipped);
    }

    /// <summary>
    /// Eq. 2 from embeddings: each image level's queries [N, D] against their keys and that level's bank (eq. 8, the mean over
    /// the batch) and, when <paramref name="patchQueries"/> is given, each patch level's queries [K, S*S, D] of the K images
    /// whose views overlap against their keys and bank (eq. 7), weighted by K / <paramref name="images"/>; the terms weighted by
    /// alpha and beta and summed. Returns the total, the values of the total ("loss") and of each term, and each term's
    /// contrastive top-1 accuracy, the values on <paramref name="device"/> (the embeddings', named because a step may have none). Forward and the speed benchmark (on random embeddings) both
    /// compute the loss here.
    /// </summary>
    public (Tensor Loss, DeviceScalars Terms, DeviceScalars Accuracies) ContrastLoss(
        IReadOnlyDictionary<string, Tensor> imageQueries, IReadOnlyDictionary<string, Tensor> imageKeys,
        IReadOnlyDictionary<string, Tensor>? patchQueries, IReadOnlyDictionary<string, Tensor> patchKeys, int images, int skipped,
        Device device, Random rng)
    {
        var names = new List<string>();
        var terms = new List<Tensor>();
        var accuracies = new List<Tensor>();
        Tensor loss = zeros(1, device: device).squeeze();

        foreach (string level in encoder_q.ImageLevels)
        {
            var (perImage, correct) = InfoNce.PerQuery(imageQueries[level], imageKeys[level], queues[ImageTerm(level)].Keys.detach(), contrast.Temperature);
            var term = perImage.mean(); // eq. 8, averaged over the batch
            loss = loss.add(term.mul(S(contrast.Alpha[ContrastSection.LevelIndex(level)])), One);
            names.Add(ImageTerm(level));
            terms.Add(term);
            accuracies.Add(correct.mean());
        }

        if (patchQueries is not null)
        {
            foreach (string level in encoder_q.PatchLevels)
            {
                var k = contrast.ShufflePatchPositives ? ShufflePositions(patchKeys[level], rng) : patchKeys[level];
                var (perPosition, correct) = InfoNce.PerQuery(patchQueries[level], k, queues[PatchTerm(level)].Keys.detach(), contrast.Temperature);
                var term = InfoNce.PatchLoss(perPosition, contrast.PatchLossSum);
                // Images without overlap contribute nothing; average over all images of the batch.
                var weighted = term.mul(S((double)(images - skipped) / images));
                loss = loss.add(weighted.mul(S(contrast.Beta[ContrastSection.LevelIndex(level)])), One);
                names.Add(PatchTerm(level));
                terms.Add(term);
                accuracies.Add(correct.mean());
            }
        }
        return (loss, DeviceScalars.Stack(["loss", .. names], [loss, .. terms]), DeviceScalars.Stack(names, accuracies, device));
    }

    /// <summary>
    /// Pushes this step's keys of every rank's images: every image key, and <see cref="ContrastSection.PatchKeysPerBatch"/>
    /// sampled patch keys per level (the same on every rank, so the ranks' banks stay identical).
    /// </summary>
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
            int n = (int)batch.Keys.shape[0] * world.Size;
            var keys = KeyEmbeddings(batch, IntersectionRois(batch, batch.Keys.device), rng);
            Enqueue([keys.AllImage], [keys.AllPatch], n, rng);
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

    // The key side of a batch, without gradient. Own*: the keys of this rank's images (the positives of its queries); All*:
    // those of every rank's images in global order (what the banks receive). Image keys per image level [N, D]; patch keys,
    // of the images whose views overlap, per patch level [K, S*S, D].
    private sealed record KeySide(Dictionary<string, Tensor> OwnImage, Dictionary<string, Tensor> OwnPatch,
                                  Dictionary<string, Tensor> AllImage, Dictionary<string, Tensor> AllPatch);

    // Shuffle-BN across ranks as MoCo does on 8 GPUs: the key views of every rank are gathered and permuted, each rank encodes
    // its slice of the permutation (in its BN groups), and the embeddings are gathered and un-permuted. In a world of one
    // this is the single-device shuffle-BN: permute, encode in groups, un-permute.
    private KeySide KeyEmbeddings(ViewPairBatch batch, PairRois regions, Random rng)
    {
        using var noGrad = no_grad();
        int perRank = (int)batch.Keys.shape[0];
        var (features, permutation) = KeyFeatures(batch.Keys, rng);
        var slice = permutation[(world.Rank * perRank)..((world.Rank + 1) * perRank)];
        var device = batch.Keys.device;
        var allRows = world.AllGather(regions.KeyRows);
        var rows = allRows.index_select(0, tensor(slice, device: device)); // the slice's images
        var valid = rows.select(1, 0).gt(S(0)).nonzero().flatten();
        var inverse = tensor(Inverse(permutation), device: device);
        long own = world.Rank * perRank;

        var ownImage = new Dictionary<string, Tensor>();
        var allImage = new Dictionary<string, Tensor>();
        foreach (string level in encoder_k.ImageLevels)
        {
            allImage[level] = world.AllGather(encoder_k.ImageEmbedding(level, features[level])).index_select(0, inverse);
            ownImage[level] = allImage[level].narrow(0, own, perRank);
        }

        var ownPatch = new Dictionary<string, Tensor>();
        var allPatch = new Dictionary<string, Tensor>();
        var allValid = allRows.select(1, 0).gt(S(0));
        var ownValid = allValid.narrow(0, own, perRank);
        // Whether any rank's pair overlaps is known on the host (the views' frames): no read of the rows.
        if (!world.Any(regions.Skipped < batch.QueryFrames.Count)) return new KeySide(ownImage, ownPatch, allImage, allPatch);
        var overlapping = rows.index_select(0, valid);
        var rois = cat([valid.unsqueeze(1).to(ScalarType.Float32), overlapping.narrow(1, 1, 4)], 1);
        var flips = overlapping.select(1, 5).gt(S(0));
        foreach (string level in encoder_k.PatchLevels)
        {
            int size = RoiSize(level);
            var padded = zeros([perRank, size * size, contrast.Dim], device: device);
            if (valid.shape[0] > 0) padded.index_copy_(0, valid, encoder_k.PatchEmbedding(level, features[level], rois, size, flips));
            var all = world.AllGather(padded).index_select(0, inverse);
            allPatch[level] = all.index_select(0, allValid.nonzero().flatten());
            if (regions.QueryRois is not null) ownPatch[level] = all.narrow(0, own, perRank).index_select(0, ownValid.nonzero().flatten());
        }
        return new KeySide(ownImage, ownPatch, allImage, allPatch);
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
    /// Shuffle-BN's key encoder pass: the key views of all ranks (gathered) are permuted, and this rank runs its slice of the
    /// permutation through the key encoder in sub-batches with their own BN statistics, so a key's BN statistics mix
    /// images whose queries sit in other sub-batches. Returns the slice's feature maps (in permuted order) and the
    /// permutation of the global batch; <paramref name="rng"/>, the same on every rank, draws it (a resumed run repeats it).
    /// </summary>
    public (OrderedDictionary<string, Tensor> Features, long[] Permutation) KeyFeatures(Tensor images, Random rng)
    {
        int perRank = (int)images.shape[0], n = perRank * world.Size;
        long[] permutation = SampleWithoutReplacement(rng, n, n);
        var slice = permutation[(world.Rank * perRank)..((world.Rank + 1) * perRank)];
        var mine = world.AllGather(images).index_select(0, tensor(slice, device: images.device));
        return (FeaturesInGroups(encoder_k, mine), permutation);
    }

    private static long[] Inverse(long[] permutation)
    {
        long[] inverse = new long[permutation.Length];
        for (int i = 0; i < permutation.Length; i++) inverse[permutation[i]] = i;
        return inverse;
    }

    private OrderedDictionary<string, Tensor> FeaturesInGroups(DuprEncoder encoder, Tensor images)
    {
        // contrast.shuffle_bn_groups counts the groups of the global batch; each rank holds its share of them.
        int groups = Math.Max(1, Math.Min(contrast.ShuffleBnGroups / world.Size, (int)images.shape[0] / 2)); // BN needs 2+ images per group
        if (groups == 1) return encoder.Features(images);
        var parts = images.chunk(groups).Select(encoder.Features).ToList();
        var result = new OrderedDictionary<string, Tensor>();
        foreach (string level in parts[0].Keys) result[level] = cat(parts.Select(p => p[level]).ToList(), 0);
        return result;
    }

    // The views' intersection box (eq. 4): in the query view as RoIAlign rows [K, 5] with the query view's flip, images whose
    // views do not overlap left out and counted; in the key view per image of the batch, KeyRows [N, 6]: whether its views
    // overlap (1 or 0), the box and the key view's flip (what the ranks exchange under shuffle-BN).
    private sealed record PairRois(Tensor? QueryRois, Tensor? QueryFlips, int Skipped, Tensor KeyRows);

    private PairRois IntersectionRois(ViewPairBatch batch, Device device)
    {
        var queryRows = new List<float>();
        var queryFlips = new List<bool>();
        int n = batch.QueryFrames.Count, skipped = 0;
        var perImage = new float[n * 6];
        for (int i = 0; i < n; i++)
        {
            ViewFrame qf = batch.QueryFrames[i], kf = batch.KeyFrames[i];
            if (ViewGeometry.Intersection(qf.Crop, kf.Crop) is not Box b)
            {
                skipped++;
                continue;
            }
            Box qb = ViewGeometry.ToView(b, qf), kb = ViewGeometry.ToView(b, kf);
            queryRows.AddRange([i, (float)qb.X1, (float)qb.Y1, (float)qb.X2, (float)qb.Y2]);
            queryFlips.Add(qf.Flipped);
            float[] row = [1, (float)kb.X1, (float)kb.Y1, (float)kb.X2, (float)kb.Y2, kf.Flipped ? 1 : 0];
            row.CopyTo(perImage, i * 6);
        }
        var keyRowsPerImage = tensor(perImage, device: device).view(n, 6);
        if (queryFlips.Count == 0) return new PairRois(null, null, skipped, keyRowsPerImage);
        return new PairRois(tensor(queryRows.ToArray(), device: device).view(-1, 5), tensor(queryFlips.ToArray(), device: device), skipped, keyRowsPerImage);
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
