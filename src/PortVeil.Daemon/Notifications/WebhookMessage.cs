namespace PortVeil.Daemon.Notifications;

/// <summary>One webhook request body waiting in a sender's queue; the delivery id stays the same across retries.</summary>
internal sealed record WebhookMessage(string Event, Guid DeliveryId, byte[] Body);
