//! Exact ID-number searches (the household list and the API's `q`): each is audited with the
//! masked number and whether it found anyone; a user may make `id_searches_per_hour` of them
//! an hour, and after `id_search_misses_per_hour` misses the search stops for that hour, with
//! an audit row. A masked number and an age leave a few dozen candidates: without this, trying
//! them one by one would complete the number without the audited reveal.

use bangfu_core::DomainResult;
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::auth::{ID_SEARCH_MISS, User};
use bangfu_core::household::IdNumber;

use crate::AppState;

/// What may happen to a search.
pub(crate) enum Gate {
    /// Not an ID number: a name, pinyin or household-number search, not limited.
    NotId,
    /// An ID-number search that may run; record it afterwards with [`record`].
    Allowed { id: IdNumber, misses: i64 },
    /// Refused, with the reason to show (already audited).
    Refused(String),
}

fn entry(actor: &Actor, user: &User, id: &IdNumber) -> AuditEntry {
    AuditEntry::new(actor, AuditAction::SearchId).object("search", id.masked(), Some(user.area_code.as_str()))
}

pub(crate) async fn gate(state: &AppState, user: &User, actor: &Actor, query: Option<&str>) -> DomainResult<Gate> {
    let Some(id) = query.and_then(|q| IdNumber::parse(q.trim()).ok()) else { return Ok(Gate::NotId) };
    let since = state.db.clock().now() - chrono::Duration::hours(1);
    let (searches, misses) = state.db.id_searches_since(user.id, since).await?;
    match state.policy.id_search(searches, misses) {
        Ok(()) => Ok(Gate::Allowed { id, misses }),
        Err(message) => {
            state.db.audit(&entry(actor, user, &id).change("refused", None, Some(message.clone()))).await?;
            Ok(Gate::Refused(message))
        }
    }
}

/// Audits a search that ran: found `found` households (0: 未找到). The miss that reaches the
/// limit also writes the row that says the search stops.
pub(crate) async fn record(
    state: &AppState,
    user: &User,
    actor: &Actor,
    (id, misses): (&IdNumber, i64),
    found: i64,
) -> DomainResult<()> {
    let result = if found == 0 { ID_SEARCH_MISS.to_owned() } else { format!("找到{found}户") };
    state.db.audit(&entry(actor, user, id).change("result", None, Some(result))).await?;
    if found == 0 && misses + 1 == state.policy.id_search_misses_per_hour {
        let paused = format!("一小时内{}次未找到，按证件号码查找暂停一小时", misses + 1);
        state.db.audit(&entry(actor, user, id).change("paused", None, Some(paused))).await?;
    }
    Ok(())
}
