namespace Dupr.Core.Ops;

/// <summary>
/// The order in which torch's CPU <c>sort(descending=True)</c> (stable=False) returns equal values:
/// libstdc++'s std::sort (introsort: median-of-three quicksort, heapsort past the depth limit, a final
/// insertion sort) over (value, index) pairs with ATen's KeyValueCompDesc, NaN first.
/// </summary>
/// <remarks>
/// torchvision's batched_nms on more than 1,000 CPU boxes merges the per-class results with such a
/// sort, so equal scores come out in this order, not by index. Checked against torch 1.13 by
/// tests/fixtures/ops/sort_ties_000.json.
/// </remarks>
internal static class TorchCpuSort
{
    const int Threshold = 16;   // libstdc++'s _S_threshold

    /// <summary>The permutation torch's unstable descending sort of <paramref name="keys"/> returns.</summary>
    public static int[] DescendingOrder(double[] keys)
    {
        var items = new (double Key, int Index)[keys.Length];
        for (int i = 0; i < keys.Length; i++) items[i] = (keys[i], i);
        if (items.Length > 1)
        {
            IntrosortLoop(items, 0, items.Length, 2 * Log2(items.Length));
            FinalInsertionSort(items, 0, items.Length);
        }
        return items.Select(item => item.Index).ToArray();
    }

    static bool Less((double Key, int Index) a, (double Key, int Index) b) =>
        (double.IsNaN(a.Key) && !double.IsNaN(b.Key)) || a.Key > b.Key;

    static int Log2(int n) => 31 - int.LeadingZeroCount(n);

    static void IntrosortLoop((double, int)[] a, int first, int last, int depthLimit)
    {
        while (last - first > Threshold)
        {
            if (depthLimit == 0)
            {
                HeapSort(a, first, last);
                return;
            }
            depthLimit--;
            int cut = PartitionPivot(a, first, last);
            IntrosortLoop(a, cut, last, depthLimit);
            last = cut;
        }
    }

    static int PartitionPivot((double, int)[] a, int first, int last)
    {
        int mid = first + (last - first) / 2;
        MoveMedianToFirst(a, first, first + 1, mid, last - 1);
        // Unguarded partition of [first + 1, last) around a[first].
        int lo = first + 1, hi = last;
        while (true)
        {
            while (Less(a[lo], a[first])) lo++;
            hi--;
            while (Less(a[first], a[hi])) hi--;
            if (lo >= hi) return lo;
            (a[lo], a[hi]) = (a[hi], a[lo]);
            lo++;
        }
    }

    static void MoveMedianToFirst((double, int)[] a, int result, int x, int y, int z)
    {
        int pick;
        if (Less(a[x], a[y])) pick = Less(a[y], a[z]) ? y : Less(a[x], a[z]) ? z : x;
        else pick = Less(a[x], a[z]) ? x : Less(a[y], a[z]) ? z : y;
        (a[result], a[pick]) = (a[pick], a[result]);
    }

    static void FinalInsertionSort((double, int)[] a, int first, int last)
    {
        if (last - first > Threshold)
        {
            InsertionSort(a, first, first + Threshold);
            for (int i = first + Threshold; i < last; i++) UnguardedLinearInsert(a, i);
        }
        else InsertionSort(a, first, last);
    }

    static void InsertionSort((double, int)[] a, int first, int last)
    {
        for (int i = first + 1; i < last; i++)
        {
            if (Less(a[i], a[first]))
            {
                var value = a[i];
                Array.Copy(a, first, a, first + 1, i - first);
                a[first] = value;
            }
            else UnguardedLinearInsert(a, i);
        }
    }

    static void UnguardedLinearInsert((double, int)[] a, int last)
    {
        var value = a[last];
        int next = last - 1;
        while (Less(value, a[next]))
        {
            a[last] = a[next];
            last = next--;
        }
        a[last] = value;
    }

    /// <summary>std::partial_sort(first, last, last): make_heap, then sort_heap.</summary>
    static void HeapSort((double, int)[] a, int first, int last)
    {
        int len = last - first;
        if (len >= 2)
            for (int parent = (len - 2) / 2; ; parent--)
            {
                AdjustHeap(a, first, parent, len, a[first + parent]);
                if (parent == 0) break;
            }
        for (int end = last; end - first > 1;)
        {
            end--;
            var value = a[end];
            a[end] = a[first];
            AdjustHeap(a, first, 0, end - first, value);
        }
    }

    static void AdjustHeap((double, int)[] a, int first, int hole, int len, (double, int) value)
    {
        int top = hole, child = hole;
        while (child < (len - 1) / 2)
        {
            child = 2 * (child + 1);
            if (Less(a[first + child], a[first + child - 1])) child--;
            a[first + hole] = a[first + child];
            hole = child;
        }
        if ((len & 1) == 0 && child == (len - 2) / 2)
        {
            child = 2 * (child + 1);
            a[first + hole] = a[first + child - 1];
            hole = child - 1;
        }
        // push_heap
        int parent = (hole - 1) / 2;
        while (hole > top && Less(a[first + parent], value))
        {
            a[first + hole] = a[first + parent];
            hole = parent;
            parent = (hole - 1) / 2;
        }
        a[first + hole] = value;
    }
}
