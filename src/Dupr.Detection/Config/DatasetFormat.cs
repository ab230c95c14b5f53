namespace Dupr.Detection.Config;

/// <summary>How the --data folder holds a run's images and annotations.</summary>
public enum DatasetFormat
{
    /// <summary>A VOCdevkit: sets are "year:split" (e.g. "2007:trainval").</summary>
    Voc,

    /// <summary>COCO JSON: sets are "annotation file:image folder" relative to --data (e.g. "annotations/instances_val2017.json:val2017").</summary>
    Coco,
}
