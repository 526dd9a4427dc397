using Microsoft.Extensions.Logging;

namespace Guardrails.Webhook.Admission;

public static partial class AdmissionHandlerExtensions
{
    /// <summary>
    /// An answer always arrives before the apiserver gives up: past the deadline, /validate denies with a message
    /// (fail closed, as the default failurePolicy would) and /mutate allows unchanged.
    /// </summary>
    public static AdmissionHandler WithDeadline(this AdmissionHandler next) => async call =>
    {
        var work = next(call);
        if (work.IsCompleted)
        {
            return await work.ConfigureAwait(false);
        }

        var task = work.AsTask();
        var finished = await Task.WhenAny(task, Task.Delay(call.Deadline, call.Aborted)).ConfigureAwait(false);
        if (finished == task)
        {
            return await task.ConfigureAwait(false);
        }

        return call.Operation == AdmissionOperationKind.Validate
            ? AdmissionDecision.Deny($"Guardrails could not decide within {call.Deadline.TotalSeconds:0.#}s; retry the request", 504)
            : AdmissionDecision.Allow("no defaults applied: Guardrails could not decide in time");
    };

    public static AdmissionHandler WithLogging(this AdmissionHandler next, ILogger logger) => async call =>
    {
        var review = call.Review;
        try
        {
            var decision = await next(call).ConfigureAwait(false);
            LogDecision(logger, call.Operation, review.Uid, review.Kind, review.Namespace, review.Name, review.UserName, review.Operation, decision.Outcome, decision.Verdict?.Violations.Count ?? 0);
            return decision;
        }
        catch (Exception ex)
        {
            LogFailure(logger, ex, call.Operation, review.Uid, review.Kind, review.Namespace, review.Name);
            throw;
        }
    };

    /// <summary>Object bodies are never logged at Information: they can hold secrets in env values.</summary>
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "{Door} uid={Uid} kind={Kind} namespace={Namespace} name={Name} user={User} operation={Operation} verdict={Verdict} violations={Violations}")]
    private static partial void LogDecision(ILogger logger, AdmissionOperationKind door, string uid, string kind, string? @namespace, string? name, string? user, Policies.Engine.AdmissionOperation operation, string verdict, int violations);

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "{Door} uid={Uid} kind={Kind} namespace={Namespace} name={Name} failed")]
    private static partial void LogFailure(ILogger logger, Exception exception, AdmissionOperationKind door, string uid, string kind, string? @namespace, string? name);
}
