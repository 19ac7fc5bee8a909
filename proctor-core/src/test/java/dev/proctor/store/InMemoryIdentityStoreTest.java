package dev.proctor.store;

/** The identity store contract on the in-memory store. */
class InMemoryIdentityStoreTest extends IdentityStoreContract {

  @Override
  protected IdentityStore newStore() {
    return new InMemoryIdentityStore();
  }

  @Override
  protected IdentityStore reopen(IdentityStore store) {
    return store;
  }
}
