package io.ispcache.api;

/** Who is calling: the operator (sees everything) or one customer (sees only its own). */
record Caller(boolean operator, String customerId, String keyHash) {
  String actor() {
    return operator ? "operator" : "customer:" + customerId;
  }

  void requireOperator() {
    if (!operator) {
      throw ApiException.forbidden("only an operator may do this");
    }
  }

  /** A customer may only touch its own things; others' look forbidden, not missing. */
  void requireOwner(String ownerCustomerId) {
    if (!operator && !customerId.equals(ownerCustomerId)) {
      throw ApiException.forbidden("this belongs to another customer");
    }
  }
}
