import { useState, type ReactNode } from 'react';

export interface SideTab {
  id: string;
  label: string;
  panel: ReactNode;
  /** Something is under way in this tab (a roll call open): its label says so with a mark, not colour alone. */
  live?: boolean;
}

/**
 * Panels that share one place, one shown at a time. Hidden panels stay mounted, so a half-filled form or a chosen
 * deadline survives switching tabs.
 */
export function SideTabs({ tabs, initial }: { tabs: SideTab[]; initial?: string }) {
  const [selected, setSelected] = useState(initial ?? tabs[0]?.id ?? '');

  return (
    <div className="side-tabs">
      <div className="tab-list" role="tablist">
        {tabs.map((tab) => (
          <button
            key={tab.id}
            type="button"
            role="tab"
            id={`tab-${tab.id}`}
            aria-selected={tab.id === selected}
            aria-controls={`tabpanel-${tab.id}`}
            className={tab.id === selected ? 'on' : ''}
            data-testid={`tab-${tab.id}`}
            onClick={() => setSelected(tab.id)}
          >
            {tab.label}
            {tab.live === true && <span className="tab-live"> ●</span>}
          </button>
        ))}
      </div>
      {tabs.map((tab) => (
        <div
          key={tab.id}
          role="tabpanel"
          id={`tabpanel-${tab.id}`}
          aria-labelledby={`tab-${tab.id}`}
          hidden={tab.id !== selected}
          className="tab-panel"
        >
          {tab.panel}
        </div>
      ))}
    </div>
  );
}
