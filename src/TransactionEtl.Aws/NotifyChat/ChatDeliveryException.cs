using TransactionEtl.Core;

namespace TransactionEtl.Aws.NotifyChat;

/// <summary>
/// A chat message was not delivered. The message names the channel and the last HTTP status or network
/// error, never the webhook URL (whoever holds it can post), and no inner exception is chained because
/// HttpRequestException messages can quote the URL. Transient for 429, 5xx and network errors, so the
/// function fails and SNS redelivers later.
/// </summary>
internal sealed class ChatDeliveryException : TransactionEtlException
{
    private readonly bool _isTransient;

    public ChatDeliveryException(string message, bool isTransient) : base(message) => _isTransient = isTransient;

    public ChatDeliveryException(string message) : base(message) { }

    public ChatDeliveryException(string message, Exception? innerException) : base(message, innerException) { }

    public ChatDeliveryException() { }

    /// <inheritdoc />
    public override bool IsTransient => _isTransient;
}
