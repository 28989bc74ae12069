using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Roles.Internal;

/// <summary>
/// The loader secret names a login role that must not be one: the NOLOGIN group role itself. Raised before
/// any SQL runs, and never transient: the secret's username (Terraform's <c>loader_username</c>) must change.
/// Surfaces as <c>TransactionEtl.LoaderRoleError</c>.
/// </summary>
internal sealed class LoaderRoleException : TransactionEtlException
{
    public LoaderRoleException(string message) : base(message) { }

    public LoaderRoleException(string message, Exception? innerException) : base(message, innerException) { }

    public LoaderRoleException() { }
}
