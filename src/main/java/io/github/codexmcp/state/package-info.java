/**
 * Disk persistence of sessions (spec 40): {@link io.github.codexmcp.state.StateStore} and its
 * implementations, startup recovery, retention, and the {@link
 * io.github.codexmcp.state.OrphanReaper}.
 *
 * <h2>On-disk layout</h2>
 *
 * <pre>
 * &lt;STATE_DIR&gt;/                  CODEX_MCP_STATE_DIR (trimmed) or ~/.codex-mcp/state; 0700 when created here
 * ├── owners/                    0700; sess_&lt;id&gt;.lock (empty, 0600): the OS lock of the server driving it
 * └── sessions/                  0700
 *     └── sess_&lt;id&gt;/             0700; names must match sess_[A-Za-z0-9-]{1,64}
 *         ├── meta.json          {"schemaVersion":1,"sessionId",…}   pretty JSON + "\n", 0600
 *         ├── pid.json           {"version":1,"pid","spawnedAt","model"?,"processStartedAt"?,"executable"?}
 *         ├── result.json        the session's lastResult, unchanged
 *         ├── events.jsonl       {"seq","type","data","timestamp"} one per line, append-only
 *         └── .tmp-&lt;12 hex&gt;     in-flight atomic write (removed at recovery if a crash left it)
 * </pre>
 *
 * <p>Several servers may share the directory: each writes only the sessions whose {@code owners/}
 * lock it holds ({@link io.github.codexmcp.state.SessionOwnership}) and reads the others.
 *
 * <p>Documents are written to the temp file and moved over the target with {@code ATOMIC_MOVE} (not
 * forced to disk: see {@code StateFiles#writeAtomically}). Anything else in the directory is
 * ignored and never deleted.
 *
 * <h2>Integration (what the server and the session manager call, and when)</h2>
 *
 * <ol>
 *   <li>Startup (spec 00 §3 step 4–5), on the main thread: {@code store =
 *       JsonFileStateStore.open(StateDir.fromEnvironment(), clock)}; if {@code !store.enabled()}
 *       show {@code store.disabledReason()} in {@code codex_setup} (open already logged it). Then
 *       {@code store.prune(RetentionPolicy.DEFAULT)}, then {@code recovered = store.recover()},
 *       then {@code new OrphanReaper(ProcessTable.system(), timer).reap(recovered)} for the
 *       sessions not {@code drivenElsewhere}, without waiting for the future. The store logs the
 *       open, prune and recovery lines; the reaper logs its summary.
 *   <li>Ingest (spec 40 §7): for each {@link io.github.codexmcp.state.RecoveredSession} use {@code
 *       meta()} (restart rule already applied and re-persisted), {@code result()} as lastResult,
 *       {@code events()} for the buffer (ids = seq, nextId = lastSeq + 1). Do not persist the
 *       status again.
 *   <li>Session created / forked: {@code saveMeta(meta)} before the backend starts.
 *   <li>Child spawned (app-server start, each exec turn): {@code savePid(id, pid, spawnedAt,
 *       model)}; when that child has exited: {@code clearPid(id)}.
 *   <li>Whenever a persisted field changes (status, threadId, cancelledAt/Reason, model, cwd,
 *       approvalPolicy, sandbox, profile): {@code saveMeta(meta)} with the current lastActiveAt. Do
 *       not call it for lastActiveAt-only changes; identical documents are dropped anyway.
 *   <li>Every {@code pushEvent}, before coalescing: {@code appendEvent(id, {type, data,
 *       timestamp})} with the same timestamp as the buffer event; let the store assign seq.
 *   <li>Turn completed, terminal child exit/spawn error, cancel: {@code saveResult(id,
 *       lastResult)}.
 *   <li>Eviction with disk removal, {@code clean} with includeDisk, failed create/fork: {@code
 *       deleteSession(id)} on the work pool (counts toward {@code diskSessionsRemoved}).
 *   <li>Shutdown: {@code store.flush()} before closing the MCP server, {@code store.close()} at the
 *       end (flushes again and releases the sessions' locks).
 * </ol>
 *
 * <p>None of the calls in steps 3–7 touch the disk or block; a poll needs no store call at all.
 */
package io.github.codexmcp.state;
