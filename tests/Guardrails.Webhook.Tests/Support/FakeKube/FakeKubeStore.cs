using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Guardrails.Webhook.Tests.Support.FakeKube;

/// <summary>
/// Objects, one global resourceVersion, a bounded event history and the open watches, all behind one lock so that a
/// watch sees every change after its starting version exactly once and in order.
/// </summary>
internal sealed class FakeKubeStore
{
    public const string NamespacesCollection = "/api/v1/namespaces";

    // Lists paged with continue tokens read from the snapshot their first page saw, as etcd does; this many are kept.
    private const int MaxSnapshots = 32;

    private static readonly Dictionary<string, string> BuiltInKinds = new(StringComparer.Ordinal)
    {
        ["/api/v1/namespaces"] = "Namespace",
        ["/api/v1/resourcequotas"] = "ResourceQuota",
        ["/api/v1/limitranges"] = "LimitRange",
        ["/api/v1/configmaps"] = "ConfigMap",
        ["/api/v1/secrets"] = "Secret",
        ["/api/v1/serviceaccounts"] = "ServiceAccount",
        ["/apis/networking.k8s.io/v1/networkpolicies"] = "NetworkPolicy",
        ["/apis/rbac.authorization.k8s.io/v1/roles"] = "Role",
        ["/apis/rbac.authorization.k8s.io/v1/rolebindings"] = "RoleBinding",
        ["/apis/rbac.authorization.k8s.io/v1/clusterroles"] = "ClusterRole",
        ["/apis/rbac.authorization.k8s.io/v1/clusterrolebindings"] = "ClusterRoleBinding",
    };

    private readonly Lock _gate = new();
    private readonly int _historyLimit;
    private readonly int _maxObjects;
    private readonly TimeProvider _time;
    private readonly LinkedList<HistoryEvent> _history = new();
    private readonly List<FakeWatcher> _watchers = [];
    private readonly Dictionary<long, ImmutableSortedDictionary<string, StoredObject>> _snapshots = [];
    private readonly Queue<long> _snapshotOrder = new();
    private readonly Dictionary<string, string> _kinds = new(BuiltInKinds, StringComparer.Ordinal);
    private ImmutableSortedDictionary<string, StoredObject> _objects = ImmutableSortedDictionary.Create<string, StoredObject>(StringComparer.Ordinal);
    private long _resourceVersion;
    private long _compactedVersion;

    public FakeKubeStore(int historyLimit, int maxObjects, TimeProvider time)
    {
        _historyLimit = historyLimit;
        _maxObjects = maxObjects;
        _time = time;
    }

    public long ResourceVersion
    {
        get
        {
            lock (_gate)
            {
                return _resourceVersion;
            }
        }
    }

    public int WatchCount
    {
        get
        {
            lock (_gate)
            {
                return _watchers.Count;
            }
        }
    }

    public string? KindOf(string collection)
    {
        lock (_gate)
        {
            return _kinds.GetValueOrDefault(collection);
        }
    }

    public StoredObject? Get(string key) => _objects.GetValueOrDefault(key);

    public bool NamespaceExists(string name) => _objects.ContainsKey(ResourcePath.ObjectKey(NamespacesCollection, null, name));

    /// <summary>
    /// Creates or changes one object: <paramref name="change"/> gets a private copy of the current object (null when
    /// there is none) and returns the new content, or throws <see cref="FakeKubeError"/>. Server-owned metadata is set here.
    /// </summary>
    public StoredObject Write(ResourcePath path, Func<JsonObject?, JsonObject> change, bool requireNamespace, out bool created, bool keepUid = false)
    {
        var name = path.Name ?? throw FakeKubeError.BadRequest("a write needs an object name");
        lock (_gate)
        {
            var key = path.Key;
            var existing = _objects.GetValueOrDefault(key);
            if (requireNamespace && path.Namespace is { } ns && !NamespaceExists(ns))
            {
                throw FakeKubeError.NotFound("namespaces", ns);
            }

            if (existing is null && _objects.Count >= _maxObjects)
            {
                throw new FakeKubeError(507, "InsufficientStorage", $"the fake holds at most {_maxObjects} objects");
            }

            var next = change((JsonObject?)existing?.Json.DeepClone());
            var metadata = FakeJson.Metadata(next);
            metadata["name"] = name;
            if (path.Namespace is null)
            {
                metadata.Remove("namespace");
            }
            else
            {
                metadata["namespace"] = path.Namespace;
            }

            var old = existing?.Json["metadata"];
            metadata["uid"] = FakeJson.String(old, "uid") ?? (keepUid ? FakeJson.String(next, "metadata", "uid") : null) ?? Guid.NewGuid().ToString();
            metadata["creationTimestamp"] = FakeJson.String(old, "creationTimestamp")
                ?? _time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            var generation = (old?["generation"] as JsonValue)?.GetValue<long>() ?? 0;
            metadata["generation"] = existing is null || !JsonNode.DeepEquals(existing.Json["spec"], next["spec"]) ? generation + 1 : generation;

            if (next["kind"] is JsonValue kind && kind.TryGetValue<string>(out var kindName))
            {
                _kinds.TryAdd(path.Collection, kindName);
            }

            if (existing is not null && IsNoOp(existing, next))
            {
                // A real apiserver does not store a write that changes nothing: no new resourceVersion, no event.
                created = false;
                return existing;
            }

            if (existing is not null && metadata["deletionTimestamp"] is not null && !HasFinalizers(next))
            {
                // The last finalizer is gone from an object being deleted: now it really goes, as on a real apiserver.
                created = false;
                return Remove(existing);
            }

            var stored = StoredObject.Create(path.Collection, path.Namespace, name, ++_resourceVersion, next);
            _objects = _objects.SetItem(key, stored);
            Record(existing is null ? "ADDED" : "MODIFIED", stored, existing);
            created = existing is null;
            return stored;
        }
    }

    private static bool IsNoOp(StoredObject existing, JsonObject next)
    {
        var candidate = (JsonObject)next.DeepClone();
        FakeJson.Metadata(candidate)["resourceVersion"] = FakeJson.String(existing.Json, "metadata", "resourceVersion");
        return JsonNode.DeepEquals(existing.Json, candidate);
    }

    private static bool HasFinalizers(JsonObject obj) => FakeJson.Metadata(obj)["finalizers"] is JsonArray { Count: > 0 };

    /// <summary>
    /// Deletes one object (a namespace takes everything in it along); null when there was none. An object with
    /// finalizers is only marked with a deletionTimestamp until an update removes the last one. With
    /// <paramref name="expectedUid"/>, a different object of the same name is a 409, as DeleteOptions preconditions are.
    /// </summary>
    public StoredObject? Delete(ResourcePath path, string? expectedUid = null)
    {
        lock (_gate)
        {
            if (!_objects.TryGetValue(path.Key, out var existing))
            {
                return null;
            }

            if (expectedUid is not null && FakeJson.String(existing.Json, "metadata", "uid") is var uid && uid != expectedUid)
            {
                throw new FakeKubeError(409, "Conflict", $"Precondition failed: UID in precondition: {expectedUid}, UID in object meta: {uid}");
            }

            if (HasFinalizers(existing.Json))
            {
                // Finalizers hold the object: mark it for deletion and let their owners clean up and remove them.
                if (FakeJson.Metadata(existing.Json)["deletionTimestamp"] is not null)
                {
                    return existing;
                }

                var marked = (JsonObject)existing.Json.DeepClone();
                FakeJson.Metadata(marked)["deletionTimestamp"] = _time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                var stored = StoredObject.Create(existing.Collection, existing.Namespace, existing.Name, ++_resourceVersion, marked);
                _objects = _objects.SetItem(path.Key, stored);
                Record("MODIFIED", stored, existing);
                return stored;
            }

            if (path.Collection == NamespacesCollection)
            {
                foreach (var contained in _objects.Values.Where(o => o.Namespace == path.Name).ToList())
                {
                    Remove(contained);
                }
            }

            return Remove(existing);
        }
    }

    public (IReadOnlyList<StoredObject> Items, long ResourceVersion, string? Continue) List(ObjectFilter filter, int? limit, string? continueToken)
    {
        ImmutableSortedDictionary<string, StoredObject> snapshot;
        long version;
        string? after = null;
        lock (_gate)
        {
            if (continueToken is null)
            {
                snapshot = _objects;
                version = _resourceVersion;
            }
            else
            {
                (version, after) = DecodeContinue(continueToken);
                if (!_snapshots.TryGetValue(version, out snapshot!))
                {
                    throw FakeKubeError.Expired(
                        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.");
                }
            }
        }

        var take = limit ?? int.MaxValue;
        var items = new List<StoredObject>();
        var more = false;
        foreach (var obj in snapshot.Values)
        {
            if ((after is not null && string.CompareOrdinal(obj.Key, after) <= 0) || !filter.Matches(obj))
            {
                continue;
            }

            if (items.Count == take)
            {
                more = true;
                break;
            }

            items.Add(obj);
        }

        if (!more)
        {
            return (items, version, null);
        }

        lock (_gate)
        {
            if (_snapshots.TryAdd(version, snapshot))
            {
                _snapshotOrder.Enqueue(version);
                while (_snapshotOrder.Count > MaxSnapshots)
                {
                    _snapshots.Remove(_snapshotOrder.Dequeue());
                }
            }
        }

        return (items, version, EncodeContinue(version, items[^1].Key));
    }

    /// <summary>
    /// Registers a watch and queues what it missed since <paramref name="fromVersion"/> (everything current, as ADDED,
    /// when that is empty or "0"); null when that version is older than the history reaches back.
    /// </summary>
    public FakeWatcher? OpenWatch(ObjectFilter filter, string? fromVersion, HttpContext context)
    {
        lock (_gate)
        {
            List<byte[]> backlog = [];
            if (string.IsNullOrEmpty(fromVersion) || fromVersion == "0")
            {
                backlog.AddRange(_objects.Values.Where(filter.Matches).Select(o => Line("ADDED", o)));
            }
            else
            {
                if (!long.TryParse(fromVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
                {
                    throw FakeKubeError.BadRequest($"resourceVersion '{fromVersion}' is not a resource version");
                }

                if (version < _compactedVersion)
                {
                    return null;
                }

                foreach (var change in _history)
                {
                    if (change.ResourceVersion > version && LineFor(change, filter) is { } line)
                    {
                        backlog.Add(line);
                    }
                }
            }

            var watcher = new FakeWatcher(filter, context, backlog.Count + _historyLimit + 1024);
            foreach (var line in backlog)
            {
                watcher.Enqueue(line);
            }

            _watchers.Add(watcher);
            return watcher;
        }
    }

    public void CloseWatch(FakeWatcher watcher)
    {
        lock (_gate)
        {
            _watchers.Remove(watcher);
        }
    }

    /// <summary>Queued behind every event the watcher was sent, so the version it carries is one the watcher has fully seen.</summary>
    public void Bookmark(FakeWatcher watcher)
    {
        lock (_gate)
        {
            var kind = _kinds.GetValueOrDefault(watcher.Filter.Collection);
            var apiVersion = ApiVersionOf(watcher.Filter.Collection);
            var version = _resourceVersion.ToString(CultureInfo.InvariantCulture);
            watcher.Enqueue(FakeJson.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("type", "BOOKMARK");
                w.WriteStartObject("object");
                if (kind is not null)
                {
                    w.WriteString("kind", kind);
                }

                w.WriteString("apiVersion", apiVersion);
                w.WriteStartObject("metadata");
                w.WriteString("resourceVersion", version);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndObject();
            }).Append((byte)'\n').ToArray());
        }
    }

    public IReadOnlyList<FakeWatcher> Watchers()
    {
        lock (_gate)
        {
            return [.. _watchers];
        }
    }

    /// <summary>
    /// Forgets the history (and open continue tokens). With <paramref name="bump"/> the version moves on too, as other
    /// writes would, so a watch from any version handed out before gets 410 while a fresh list's version still works.
    /// </summary>
    public void Compact(bool bump)
    {
        lock (_gate)
        {
            if (bump)
            {
                _resourceVersion++;
            }

            _history.Clear();
            _compactedVersion = _resourceVersion;
            _snapshots.Clear();
            _snapshotOrder.Clear();
        }
    }

    private static string ApiVersionOf(string collection)
    {
        var prefix = collection[..collection.LastIndexOf('/')];
        return prefix.StartsWith("/apis/", StringComparison.Ordinal) ? prefix["/apis/".Length..] : prefix["/api/".Length..];
    }

    private static byte[] Line(string type, StoredObject obj)
    {
        var head = Encoding.UTF8.GetBytes($"{{\"type\":\"{type}\",\"object\":");
        return [.. head, .. obj.Utf8, (byte)'}', (byte)'\n'];
    }

    /// <summary>What this watcher sees of a change: objects moving into its selector are ADDED, moving out are DELETED.</summary>
    private static byte[]? LineFor(HistoryEvent change, ObjectFilter filter)
    {
        var now = filter.Matches(change.Object);
        var before = change.Previous is not null && filter.Matches(change.Previous);
        return (now, before, change.Type) switch
        {
            (true, _, "DELETED") => Line("DELETED", change.Object),
            (true, true, _) => Line(change.Type, change.Object),
            (true, false, _) => Line("ADDED", change.Object),
            (false, true, not "DELETED") => Line("DELETED", change.Object),
            _ => null,
        };
    }

    private StoredObject Remove(StoredObject existing)
    {
        var gone = existing.At(++_resourceVersion);
        _objects = _objects.Remove(existing.Key);
        Record("DELETED", gone, existing);
        return gone;
    }

    private void Record(string type, StoredObject obj, StoredObject? previous)
    {
        var change = new HistoryEvent(obj.ResourceVersion, type, obj, previous);
        _history.AddLast(change);
        while (_history.Count > _historyLimit)
        {
            _compactedVersion = _history.First!.Value.ResourceVersion;
            _history.RemoveFirst();
        }

        foreach (var watcher in _watchers)
        {
            if (LineFor(change, watcher.Filter) is { } line)
            {
                watcher.Enqueue(line);
            }
        }
    }

    private static string EncodeContinue(long version, string lastKey) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{version.ToString(CultureInfo.InvariantCulture)}\n{lastKey}"));

    private static (long Version, string After) DecodeContinue(string token)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            var at = text.IndexOf('\n', StringComparison.Ordinal);
            return (long.Parse(text[..at], CultureInfo.InvariantCulture), text[(at + 1)..]);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentOutOfRangeException or OverflowException)
        {
            throw FakeKubeError.BadRequest($"continue key is not valid: {ex.Message}");
        }
    }
}
