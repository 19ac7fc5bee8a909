package dev.proctor.store;

class InMemoryLogStoreTest extends LogStoreContract {

  @Override
  protected LogStore newStore() {
    return new InMemoryLogStore();
  }

  @Override
  protected LogStore reopen(LogStore store) {
    return store;
  }
}
