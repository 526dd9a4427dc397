using System.Text.Json;

namespace Guardrails.Policies.Resources;

/// <summary>Allocation-free walk over a pod spec's container arrays (this runs on every admission request).</summary>
public readonly struct ContainerEnumerable
{
    private readonly Workload _workload;
    private readonly bool _includeEphemeral;

    internal ContainerEnumerable(Workload workload, bool includeEphemeral)
    {
        _workload = workload;
        _includeEphemeral = includeEphemeral;
    }

    public Enumerator GetEnumerator() => new(_workload, _includeEphemeral);

    public struct Enumerator
    {
        private readonly Workload _workload;
        private readonly ContainerGroup _lastGroup;
        private ContainerGroup _group;
        private JsonElement.ArrayEnumerator _items;
        private bool _hasItems;
        private bool _started;
        private int _index;

        internal Enumerator(Workload workload, bool includeEphemeral)
        {
            _workload = workload;
            _group = ContainerGroup.Containers;
            _lastGroup = includeEphemeral ? ContainerGroup.EphemeralContainers : ContainerGroup.InitContainers;
            _items = default;
            _hasItems = false;
            _started = false;
            _index = -1;
            Current = default;
        }

        internal Enumerator(Workload workload, ContainerGroup only)
        {
            _workload = workload;
            _group = only;
            _lastGroup = only;
            _items = default;
            _hasItems = false;
            _started = false;
            _index = -1;
            Current = default;
        }

        public ContainerRef Current { get; private set; }

        public readonly Enumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            while (true)
            {
                if (!_started)
                {
                    _started = true;
                    _index = -1;
                    var array = _workload.PodSpec.Child(_group.FieldName());
                    _hasItems = array.ValueKind == JsonValueKind.Array;
                    _items = _hasItems ? array.EnumerateArray() : default;
                }

                if (_hasItems && _items.MoveNext())
                {
                    _index++;
                    Current = new ContainerRef(_workload, _group, _index, _items.Current);
                    return true;
                }

                if (_group >= _lastGroup)
                {
                    return false;
                }

                _group++;
                _started = false;
            }
        }
    }
}
