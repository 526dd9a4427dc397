using System.Collections.Immutable;
using System.Text.Json;
using Guardrails.Policies.Exceptions;
using Guardrails.Policies.Resources;
using Guardrails.Webhook.Cluster.Api;
using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Cluster;

/// <summary>
/// PolicyExceptions kept by their watch, read once when delivered; the index the engine reads is rebuilt on each
/// change (changes are rare, requests are not) and swapped whole, so a request never sees half an update.
/// </summary>
public sealed partial class ExceptionCache : IWatchSink, IExceptionSource
{
    private readonly Lock _write = new();
    private readonly ILogger _logger;
    private ImmutableDictionary<(string Namespace, string Name), PolicyException> _items = ImmutableDictionary<(string, string), PolicyException>.Empty;
    private ExceptionIndex _index = ExceptionIndex.Empty;

    public ExceptionCache(ILogger<ExceptionCache> logger)
    {
        _logger = logger;
    }

    public ExceptionIndex Current => _index;

    /// <summary>Raised after every change, with the exception added, changed or removed (null after a relist).</summary>
    public event Action<PolicyException?, bool>? Changed;

    public void Replace(ResourceType type, IReadOnlyList<JsonElement> items)
    {
        lock (_write)
        {
            var builder = ImmutableDictionary.CreateBuilder<(string, string), PolicyException>();
            foreach (var item in items)
            {
                if (Read(item) is { } exception)
                {
                    builder[(exception.Namespace, exception.Name)] = exception;
                }
            }

            _items = builder.ToImmutable();
            _index = new ExceptionIndex(_items.Values);
        }

        Changed?.Invoke(null, false);
    }

    public void Upsert(ResourceType type, JsonElement item)
    {
        PolicyException? exception;
        lock (_write)
        {
            exception = Read(item);
            var (name, ns) = Policies.State.StateReader.Identity(item);

            // An object that can no longer be read covers nothing: its old version must not keep covering.
            _items = exception is null ? _items.Remove((ns, name)) : _items.SetItem((exception.Namespace, exception.Name), exception);
            _index = new ExceptionIndex(_items.Values);
        }

        Changed?.Invoke(exception, false);
    }

    public void Delete(ResourceType type, JsonElement item)
    {
        PolicyException? removed;
        lock (_write)
        {
            var (name, ns) = Policies.State.StateReader.Identity(item);
            removed = _items.GetValueOrDefault((ns, name));
            _items = _items.Remove((ns, name));
            _index = new ExceptionIndex(_items.Values);
        }

        Changed?.Invoke(removed, true);
    }

    private PolicyException? Read(JsonElement item)
    {
        var errors = new List<string>();
        var exception = PolicyExceptionReader.Read(item, item.Child("metadata"u8).Child("namespace"u8).AsString() ?? "default", errors);
        if (exception is null)
        {
            LogUnreadable(_logger, Policies.State.StateReader.Identity(item).Namespace, Policies.State.StateReader.Identity(item).Name, string.Join("; ", errors));
        }

        return exception;
    }

    [LoggerMessage(EventId = 330, Level = LogLevel.Warning, Message = "PolicyException {Namespace}/{Name} cannot be read and covers nothing: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string @namespace, string name, string reason);
}
