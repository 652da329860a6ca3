// Workspace metadata many screens share (custom field definitions, tags, users), loaded once
// and kept until something changes it (invalidate()).
import { useEffect, useState } from 'react';
import { api } from './client';
import type { CustomField, Tag, User } from './generated/schema';

type Meta = { customFields: CustomField[]; tags: Tag[]; users: User[] };
type Key = keyof Meta;

const cache: Partial<Record<Key, Promise<unknown>>> = {};
const listeners = new Set<() => void>();

const loaders: { [K in Key]: () => Promise<Meta[K]> } = {
  customFields: () => api('get', '/api/v1/custom-fields').then((r) => (r as { data?: CustomField[] }).data ?? []),
  tags: () => api('get', '/api/v1/tags').then((r) => (r as { data?: Tag[] }).data ?? []),
  // Members may not list users; an empty list then (the owner picker offers "me" and "none").
  users: () => api('get', '/api/v1/users').then((r) => (r as { data?: User[] }).data ?? []).catch(() => [] as User[]),
};

function load<K extends Key>(key: K): Promise<Meta[K]> {
  if (!cache[key]) cache[key] = loaders[key]().catch((e: unknown) => {
    delete cache[key];
    throw e;
  });
  return cache[key] as Promise<Meta[K]>;
}

export function invalidate(key: Key): void {
  delete cache[key];
  listeners.forEach((l) => l());
}

export function useMeta<K extends Key>(key: K): Meta[K] | undefined {
  const [value, setValue] = useState<Meta[K] | undefined>(undefined);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const l = () => setVersion((v) => v + 1);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  useEffect(() => {
    let live = true;
    load(key).then((v) => live && setValue(v)).catch(() => live && setValue(undefined));
    return () => {
      live = false;
    };
  }, [key, version]);
  return value;
}
