using Dupr.Core.Runtime;

namespace Dupr.Detection.Data.Coco;

/// <summary>
/// A COCO (or LVIS) instances file in memory: images, categories and annotations in file order, id lookups, and
/// detectron2's contiguous category ids (0..K-1 in ascending category id order) both ways.
/// </summary>
public sealed class CocoDataset
{
    readonly Dictionary<long, int> _imageIndex;
    readonly Dictionary<long, int> _categoryIndex;
    readonly Dictionary<long, int> _contiguous;
    readonly long[] _categoryIds;

    /// <summary>Where the dataset was read from, for messages.</summary>
    public string Source { get; }

    /// <summary>The images in file order.</summary>
    public IReadOnlyList<CocoImage> Images { get; }

    /// <summary>The categories in file order.</summary>
    public IReadOnlyList<CocoCategory> Categories { get; }

    /// <summary>The annotations in file order.</summary>
    public IReadOnlyList<CocoAnnotation> Annotations { get; }

    /// <summary>Indexes the entries; duplicate ids and annotations of unknown images or categories are errors naming the entry.</summary>
    public CocoDataset(string source, IReadOnlyList<CocoImage> images, IReadOnlyList<CocoCategory> categories, IReadOnlyList<CocoAnnotation> annotations)
    {
        Source = source;
        Images = images;
        Categories = categories;
        Annotations = annotations;
        _imageIndex = IndexIds(images, i => images[i].Id, "images");
        _categoryIndex = IndexIds(categories, i => categories[i].Id, "categories");
        IndexIds(annotations, i => annotations[i].Id, "annotations");
        _categoryIds = categories.Select(c => c.Id).Order().ToArray();
        _contiguous = new Dictionary<long, int>(_categoryIds.Length);
        for (int i = 0; i < _categoryIds.Length; i++) _contiguous[_categoryIds[i]] = i;
        for (int i = 0; i < annotations.Count; i++)
        {
            CocoAnnotation a = annotations[i];
            if (!_imageIndex.ContainsKey(a.ImageId))
                throw new DuprException($"{source}: annotations[{i}] (id {a.Id}): image_id {a.ImageId} is not in \"images\"");
            if (!_categoryIndex.ContainsKey(a.CategoryId))
                throw new DuprException($"{source}: annotations[{i}] (id {a.Id}): category_id {a.CategoryId} is not in \"categories\"");
        }
    }

    /// <summary>The image with id <paramref name="id"/>, or null.</summary>
    public CocoImage? FindImage(long id) => _imageIndex.TryGetValue(id, out int i) ? Images[i] : null;

    /// <summary>The category with id <paramref name="id"/>, or null.</summary>
    public CocoCategory? FindCategory(long id) => _categoryIndex.TryGetValue(id, out int i) ? Categories[i] : null;

    /// <summary>Number of categories.</summary>
    public int CategoryCount => _categoryIds.Length;

    /// <summary>The contiguous id (0..K-1, ascending category id order) of category <paramref name="categoryId"/>.</summary>
    public int ToContiguousId(long categoryId) =>
        _contiguous.TryGetValue(categoryId, out int c) ? c : throw new DuprException($"{Source}: category id {categoryId} is not in \"categories\"");

    /// <summary>The category id of contiguous id <paramref name="contiguousId"/>.</summary>
    public long FromContiguousId(int contiguousId) => _categoryIds[contiguousId];

    Dictionary<long, int> IndexIds<T>(IReadOnlyList<T> items, Func<int, long> id, string section)
    {
        var index = new Dictionary<long, int>(items.Count);
        for (int i = 0; i < items.Count; i++)
            if (!index.TryAdd(id(i), i))
                throw new DuprException($"{Source}: {section}[{i}]: id {id(i)} repeats {section}[{index[id(i)]}]");
        return index;
    }
}
