package io.github.codexmcp.session;

/**
 * Keeps a session's documents from being saved out of order when the effects of two transitions are
 * carried out concurrently: each snapshot carries a version, and an older one than the last saved
 * is dropped (a document is a whole snapshot, so the newer one already contains it).
 *
 * <p><b>Concurrency.</b> Its fields are guarded by {@code this}. Versions are drawn under the
 * session's monitor (so they follow the order of the snapshots); saving happens on whichever thread
 * carries out a transition's effects, with no session lock held. {@code this} is held only while
 * the store enqueues, which takes the store's short in-memory locks (the session's pending slot,
 * the dirty set, the queue of a store still opening) inside it, never the other way round; it is
 * never held across disk I/O.
 */
final class PersistOrder {
  private long metaVersion;
  private long resultVersion;
  private long metaSaved;
  private long resultSaved;

  /** The version of a {@code meta.json} snapshot taken now (under the session's monitor). */
  synchronized long nextMetaVersion() {
    return ++metaVersion;
  }

  /** The version of a {@code result.json} snapshot taken now (under the session's monitor). */
  synchronized long nextResultVersion() {
    return ++resultVersion;
  }

  /** Whether every snapshot taken so far has been saved (or superseded by a saved one). */
  synchronized boolean settled() {
    return metaSaved == metaVersion && resultSaved == resultVersion;
  }

  synchronized void persist(String sessionId, Effects e, PersistenceHook store) {
    if (e.meta() != null && e.metaVersion() > metaSaved) {
      metaSaved = e.metaVersion();
      store.saveMeta(sessionId, e.meta());
    }
    if (e.result() != null && e.resultVersion() > resultSaved) {
      resultSaved = e.resultVersion();
      store.saveResult(sessionId, e.result());
    }
  }
}
