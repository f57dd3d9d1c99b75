/**
 * The patches a workflow history holds markers for, in order: from a history read from the server (payload data as
 * bytes) or from a recorded file (`temporal workflow show --output json`, payload data in base64).
 */
interface PatchMarkerEvent {
  markerRecordedEventAttributes?: {
    markerName?: string | null;
    details?: Record<string, { payloads?: Array<{ data?: Uint8Array | string | null }> | null }> | null;
  } | null;
}

export function patchesIn(events: readonly PatchMarkerEvent[]): string[] {
  return events.flatMap((e) => {
    const marker = e.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_patch') return [];
    return (marker.details?.['patch-data']?.payloads ?? []).map((p) => {
      const data = typeof p.data === 'string' ? Buffer.from(p.data, 'base64') : Buffer.from(p.data ?? []);
      return (JSON.parse(data.toString()) as { id: string }).id;
    });
  });
}
