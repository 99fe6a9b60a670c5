import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { api } from './api';
import type { Department } from './types';

const DepartmentsContext = createContext<ReadonlyMap<string, string>>(new Map());

/** The registered departments' names by code (GET /v1/departments), for staff pages; codes stay where none is known. */
export function DepartmentsProvider({ token, children }: { token: string; children: ReactNode }) {
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  useEffect(() => {
    api<{ items: Department[] }>('/v1/departments', { token }).then(
      (r) => setNames(new Map(r.items.map((d) => [d.code, d.name]))),
      () => setNames(new Map()),
    );
  }, [token]);
  return <DepartmentsContext.Provider value={names}>{children}</DepartmentsContext.Provider>;
}

export function useDepartmentNames(): ReadonlyMap<string, string> {
  return useContext(DepartmentsContext);
}
